import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type NextFunction, type Request, type Response } from "express";
import type { SigningKey } from "ethers";
import type { Logger } from "pino";
import type { AttestationVerifier } from "../src/enclave/attestation/verifier.js";
import type { SmsChain } from "./chain/chainReader.js";
import { errorHandler } from "./http/errorHandler.js";
import { rateLimit, type BucketSpec, type RateLimiter } from "./http/rateLimit.js";
import { createSmsListener } from "./http/sessionFastPath.js";
import { createSmsMetrics, type SmsMetrics } from "./metrics.js";
import type { ReleasePolicyOptions } from "./policy/releasePolicy.js";
import { createPushService } from "./push.js";
import { createReleaseService } from "./release.js";
import { createCryptoPool } from "./crypto/cryptoPool.js";
import { operationRoutes } from "./routes/operations.js";
import { secretRoutes } from "./routes/secrets.js";
import { sessionRoutes } from "./routes/sessions.js";
import type { SmsStore } from "./store/smsStore.js";

/** What the SMS is wired from (built by the entry point, or by tests). */
export interface SmsComponents {
  /** Chain reads (over the SDK client): deals, tasks, grants, owners. */
  chain: SmsChain;
  /** Database + master key. The caller closes it after stop(). */
  store: SmsStore;
  /** Pins the attestation root and holds the CRLs. */
  attestation: AttestationVerifier;
  /** The secp256k1 key that signs attestation statements (registered on-chain). */
  verifierKey: SigningKey;
  logger: Logger;
  /** Defaults to a fresh registry per SMS. */
  metrics?: SmsMetrics;
}

/** Routes that are rate limited, each with its own bucket per client IP. */
export type RateLimitedRoute =
  "nonces" | "sessions" | "challenges" | "secrets" | "exists" | "noop" | "crls";

export interface SmsInit {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 13300; 0 picks a free port. */
  port?: number;
  policy?: ReleasePolicyOptions;
  /** Session nonce lifetime. Default 120 s. */
  nonceTtlSeconds?: number;
  /** Push challenge lifetime. Default 300 s. */
  challengeTtlSeconds?: number;
  /** Largest JSON body. Default 64 KiB. */
  bodyLimitBytes?: number;
  /** Per-route token buckets; `false` disables limiting. Defaults: {@link DEFAULT_RATE_LIMITS}. */
  rateLimits?: Partial<Record<RateLimitedRoute, BucketSpec>> | false;
  /** Express `trust proxy` (only behind a proxy you run). Default false. */
  trustProxy?: boolean | string;
  /**
   * Worker threads for release crypto (signature checks, statement signing), so a release
   * uses more than one core. Default 0 (inline).
   */
  cryptoThreads?: number;
  /** How long stop() waits for in-flight requests before closing sockets. Default 5 s. */
  shutdownGraceMs?: number;
}

export const DEFAULT_RATE_LIMITS: Record<RateLimitedRoute, BucketSpec> = {
  nonces: { capacity: 200, refillPerSecond: 100 },
  sessions: { capacity: 200, refillPerSecond: 100 },
  challenges: { capacity: 20, refillPerSecond: 5 },
  secrets: { capacity: 20, refillPerSecond: 5 },
  exists: { capacity: 100, refillPerSecond: 50 },
  noop: { capacity: 200, refillPerSecond: 100 },
  crls: { capacity: 5, refillPerSecond: 1 },
};

export interface Sms {
  start(): Promise<{ url: string; port: number }>;
  /** Stops accepting, lets in-flight requests finish (up to the grace period), then closes. */
  stop(): Promise<void>;
  /** Base URL once started. */
  readonly url: string;
  /** Address of the verifier key: governance registers it with setAttestationVerifier. */
  readonly verifier: string;
  readonly metrics: SmsMetrics;
  readonly app: express.Express;
}

/**
 * The secret management service: key release to attested enclaves, secret pushes by owners,
 * existence checks, CRL updates, health, metrics.
 * @example
 * const sms = createSms({ chain, store, attestation, verifierKey, logger }, { port: 13300 });
 * const { url } = await sms.start();
 */
export function createSms(components: SmsComponents, init: SmsInit = {}): Sms {
  const { chain, store, attestation, logger } = components;
  const log = logger.child({ module: "sms" });
  const metrics = components.metrics ?? createSmsMetrics();
  const bodyLimit = init.bodyLimitBytes ?? 64 * 1024;
  const crypto = createCryptoPool(
    chain.taskDomain,
    components.verifierKey.privateKey,
    init.cryptoThreads ?? 0,
  );
  const release = createReleaseService({
    store,
    chain,
    attestation,
    tokens: store.tokens,
    options: init.policy ?? {},
    crypto,
    verifierKey: components.verifierKey,
    metrics,
    logger: log,
  });
  const push = createPushService({
    store,
    chain,
    metrics,
    logger: log,
    challengeTtlSeconds: init.challengeTtlSeconds,
  });
  const specs =
    init.rateLimits === false ? undefined : { ...DEFAULT_RATE_LIMITS, ...init.rateLimits };
  const limiters = Object.fromEntries(
    (Object.keys(DEFAULT_RATE_LIMITS) as RateLimitedRoute[]).map((r) => [
      r,
      rateLimit(r, specs?.[r], metrics),
    ]),
  ) as Record<RateLimitedRoute, RateLimiter>;
  const auditRejectedBody = (reason: string) =>
    store
      .commit(() =>
        store.audit.append({ action: "release", outcome: "denied", reason, subject: {} }),
      )
      .then(
        () => metrics.releases.inc({ outcome: "denied", reason }),
        (err: unknown) => log.error({ err }, "audit write failed"),
      );

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", init.trustProxy ?? false);
  app.use((req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    res.on("finish", () => {
      const route = (req.route?.path as string | undefined) ?? "unmatched";
      metrics.httpDuration.observe(
        { route, status: String(res.statusCode) },
        (performance.now() - started) / 1000,
      );
    });
    next();
  });
  app.use(
    sessionRoutes({
      release,
      issueNonce: () => {
        const { token, expiresAt } = store.tokens.issue("session", "", init.nonceTtlSeconds ?? 120);
        return { nonce: token, expiresAt };
      },
      auditRejectedBody,
      limits: limiters,
      bodyLimit,
    }),
  );
  app.use(secretRoutes({ push, limits: limiters, bodyLimit }));
  app.use(
    operationRoutes({
      store,
      attestation,
      metrics,
      verifier: release.verifier,
      limits: limiters,
      bodyLimit,
    }),
  );
  app.use((_req: Request, res: Response) => {
    res
      .status(404)
      .json({ error: { name: "NotFound", reason: "NotFound", message: "No such route." } });
  });
  app.use(errorHandler(log));
  // Key releases skip express (see sessionFastPath.ts) unless a proxy decides who the client is.
  const listener = init.trustProxy
    ? app
    : createSmsListener(
        { release, limiter: limiters.sessions, auditRejectedBody, metrics, logger: log, bodyLimit },
        app,
      );

  let server: Server | undefined;
  let url = "";
  let pruneTimer: NodeJS.Timeout | undefined;
  return {
    app,
    metrics,
    verifier: release.verifier,
    get url() {
      return url;
    },
    async start() {
      if (server) throw new Error("SMS already started");
      await crypto.start();
      const host = init.host ?? "127.0.0.1";
      const s = createServer(listener).listen(init.port ?? 13300, host);
      server = s;
      await new Promise<void>((resolve, reject) => {
        s.once("listening", resolve);
        s.once("error", reject);
      });
      s.keepAliveTimeout = 5_000;
      s.headersTimeout = 10_000;
      s.requestTimeout = 30_000;
      const port = (s.address() as AddressInfo).port;
      url = `http://${host}:${port}`;
      pruneTimer = setInterval(() => {
        try {
          store.tokens.prune();
        } catch (err) {
          log.warn({ err }, "token prune failed");
        }
      }, 60_000);
      pruneTimer.unref();
      log.info({ url, verifier: release.verifier }, "SMS listening");
      return { url, port };
    },
    async stop() {
      const s = server;
      if (!s) return;
      server = undefined;
      clearInterval(pruneTimer);
      for (const l of Object.values(limiters)) l.stop();
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => s.closeAllConnections(), init.shutdownGraceMs ?? 5_000);
        // Connections that finish their request while we wait are closed as soon as they idle.
        const idle = setInterval(() => s.closeIdleConnections(), 50);
        s.close(() => {
          clearTimeout(force);
          clearInterval(idle);
          resolve();
        });
        s.closeIdleConnections();
      });
      await crypto.stop();
      log.info("SMS stopped");
    },
  };
}
