import { Router, json, type Request, type Response } from "express";
import type { RequestHandler } from "express";
import type { AttestationVerifier } from "../../src/enclave/attestation/verifier.js";
import { AttestationError } from "../../src/enclave/errors.js";
import type { SmsMetrics } from "../metrics.js";
import type { SmsStore } from "../store/smsStore.js";

/**
 * GET /v1/health, POST /v1/noop (the benchmark baseline: same middleware, no work),
 * GET /v1/attestation (the pinned root and installed CRLs, public), POST /v1/crls (install a
 * newer signed CRL) and GET /metrics.
 */
export function operationRoutes(p: {
  store: SmsStore;
  attestation: AttestationVerifier;
  metrics: SmsMetrics;
  verifier: string;
  limits: { noop: RequestHandler; crls: RequestHandler };
  bodyLimit: number;
}): Router {
  const router = Router();
  const body = json({ limit: p.bodyLimit });
  router.get("/v1/health", (_req, res) => {
    const ok = p.store.db.isOpen;
    res.status(ok ? 200 : 503).json({ ok, verifier: p.verifier });
  });
  router.post("/v1/noop", p.limits.noop, body, (_req, res) => {
    res.json({ ok: true });
  });
  router.post("/v1/crls", p.limits.crls, body, async (req: Request, res: Response) => {
    const { crl, issuerCert } = (req.body ?? {}) as { crl?: unknown; issuerCert?: unknown };
    try {
      const installed = p.attestation.updateCrl(
        crl,
        typeof issuerCert === "string" ? issuerCert : undefined,
      );
      await p.store.commit(() =>
        p.store.audit.append({
          action: "crl",
          outcome: installed ? "granted" : "denied",
          reason: installed ? "Installed" : "NotNewer",
          subject: { issuer: (crl as { body?: { issuer?: string } })?.body?.issuer },
        }),
      );
      res.json({ installed });
    } catch (e) {
      if (!(e instanceof AttestationError)) throw e;
      res.status(400).json({ error: { name: e.name, reason: e.reason, message: e.shortMessage } });
    }
  });
  router.get("/v1/attestation", (_req, res) => {
    res.json({ rootCertPem: p.attestation.rootCertPem, crls: p.attestation.crls() });
  });
  router.get("/metrics", async (_req, res) => {
    res.setHeader("content-type", p.metrics.registry.contentType);
    res.send(await p.metrics.registry.metrics());
  });
  return router;
}
