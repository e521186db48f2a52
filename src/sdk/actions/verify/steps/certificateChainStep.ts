import { AttestationError } from "../../../../enclave/errors.js";
import { verifyAttestationEvidence } from "../../../../enclave/attestation/evidence.js";
import type { StepOutcome, VerifyContext, VerifyStep } from "../types.js";

/** Checks the attestation certificate chain of a task (replaces the default check). */
export type CertificateChainCheck = (ctx: VerifyContext) => Promise<StepOutcome>;

/**
 * The quote behind the verifier's statement, published by the pool next to the usage receipt:
 * its certificate chain to the attestation root (`ctx.attestationRoot`), each certificate valid
 * when the quote was issued, the platform's signature, the certified TCB, not revoked by the
 * given CRLs, and naming the on-chain enclave and the deal's measurement.
 */
export function certificateChainStep(check?: CertificateChainCheck): VerifyStep {
  return {
    id: "certificate-chain",
    title: "Attestation certificate chain",
    dependsOn: ["attestation", "receipt"],
    async run(ctx) {
      if (check) return check(ctx);
      const quote = ctx.receipt?.quote;
      if (quote === undefined)
        return {
          status: "skip",
          detail: "The pool's result store publishes no attestation quote for this task.",
        };
      if (!ctx.attestationRoot)
        return {
          status: "skip",
          detail:
            "No attestation root to check the quote against: pass --attestation-root <root.cert.pem>, or --sms <url> to use the SMS's pinned root.",
        };
      try {
        const v = verifyAttestationEvidence(
          quote,
          ctx.attestationRoot.rootCertPem,
          { enclave: ctx.proof!.enclave, mrenclave: ctx.deal!.deal.mrenclave },
          ctx.attestationRoot.crls,
        );
        const when = new Date(v.body.issuedAt * 1000).toISOString();
        return {
          status: "pass",
          detail: `Quote of platform ${v.platformId} (TCB ${v.tcb.status}/${v.tcb.securityVersion}) chains to the attestation root, valid at ${when}; ${v.crlsChecked.length} revocation list(s) checked.`,
          data: { platformId: v.platformId, serials: v.serials, issuedAt: v.body.issuedAt },
        };
      } catch (error) {
        if (!(error instanceof AttestationError)) throw error;
        return { status: "fail", detail: `${error.reason}: ${error.shortMessage}` };
      }
    },
  };
}
