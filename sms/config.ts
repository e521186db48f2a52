import { join } from "node:path";
import type { SmsInit } from "./sms.js";
import type { RateLimitedRoute } from "./sms.js";
import { DEFAULT_RATE_LIMITS } from "./sms.js";

/** Everything sms/main.ts reads from the environment, with defaults. */
export interface SmsConfig {
  rpcUrl: string;
  /** deployments/<chainId>.json folder. */
  deploymentsDir: string;
  dataDir: string;
  dbPath: string;
  masterKeyPath: string;
  verifierKeyPath: string;
  rootCertPath: string;
  caCertPaths: string[];
  crlPaths: string[];
  crlReloadSeconds: number;
  blockTtlMs: number;
  logLevel: string;
  init: SmsInit;
}

/**
 * Reads the SMS configuration from `env`:
 * SMS_RPC_URL (http://127.0.0.1:8545), SMS_DEPLOYMENTS_DIR (deployments), SMS_DATA_DIR (data/sms:
 * sms.db, master.key, verifier.key), SMS_MASTER_KEY_FILE, SMS_VERIFIER_KEY_FILE,
 * SMS_ATTESTATION_ROOT (root certificate; default <SMS_ATTESTATION_DIR>/root.cert.pem),
 * SMS_ATTESTATION_DIR (authority's public folder: root.cert.pem, platform-ca.cert.pem, crl/),
 * SMS_PLATFORM_CAS and SMS_CRL_FILES (comma lists), SMS_CRL_RELOAD_SECONDS (60), SMS_HOST
 * (127.0.0.1), SMS_PORT (13300), SMS_ALLOW_OUTDATED_TCB (0), SMS_MIN_SECURITY_VERSION (0),
 * SMS_REQUIRE_NETWORK_ISOLATION (0), SMS_BLOCK_TTL_MS (500), SMS_BODY_LIMIT (65536),
 * SMS_NONCE_TTL_SECONDS (120), SMS_CHALLENGE_TTL_SECONDS (300), SMS_CRYPTO_THREADS (1),
 * SMS_RATE_LIMIT_SCALE (1; 0 disables rate limiting), SMS_TRUST_PROXY, LOG_LEVEL (info).
 */
export function readSmsConfig(env: NodeJS.ProcessEnv = process.env): SmsConfig {
  const dataDir = env.SMS_DATA_DIR ?? join("data", "sms");
  const attestationDir = env.SMS_ATTESTATION_DIR ?? join("data", "authority");
  const list = (v: string | undefined, fallback: string[]) =>
    v
      ? v
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : fallback;
  const flag = (v: string | undefined) => v === "1" || v === "true";
  const scale = Number(env.SMS_RATE_LIMIT_SCALE ?? "1");
  const rateLimits =
    scale === 0
      ? (false as const)
      : (Object.fromEntries(
          Object.entries(DEFAULT_RATE_LIMITS).map(([k, v]) => [
            k,
            { capacity: v.capacity * scale, refillPerSecond: v.refillPerSecond * scale },
          ]),
        ) as Record<RateLimitedRoute, { capacity: number; refillPerSecond: number }>);
  return {
    rpcUrl: env.SMS_RPC_URL ?? "http://127.0.0.1:8545",
    deploymentsDir: env.SMS_DEPLOYMENTS_DIR ?? "deployments",
    dataDir,
    dbPath: join(dataDir, "sms.db"),
    masterKeyPath: env.SMS_MASTER_KEY_FILE ?? join(dataDir, "master.key"),
    verifierKeyPath: env.SMS_VERIFIER_KEY_FILE ?? join(dataDir, "verifier.key"),
    rootCertPath: env.SMS_ATTESTATION_ROOT ?? join(attestationDir, "root.cert.pem"),
    caCertPaths: list(env.SMS_PLATFORM_CAS, [join(attestationDir, "platform-ca.cert.pem")]),
    crlPaths: list(env.SMS_CRL_FILES, [
      join(attestationDir, "crl", "root.json"),
      join(attestationDir, "crl", "platform-ca.json"),
    ]),
    crlReloadSeconds: Number(env.SMS_CRL_RELOAD_SECONDS ?? "60"),
    blockTtlMs: Number(env.SMS_BLOCK_TTL_MS ?? "500"),
    logLevel: env.LOG_LEVEL ?? "info",
    init: {
      host: env.SMS_HOST ?? "127.0.0.1",
      port: Number(env.SMS_PORT ?? "13300"),
      policy: {
        allowOutOfDateTcb: flag(env.SMS_ALLOW_OUTDATED_TCB),
        minSecurityVersion: Number(env.SMS_MIN_SECURITY_VERSION ?? "0"),
        requireNetworkIsolation: flag(env.SMS_REQUIRE_NETWORK_ISOLATION),
      },
      bodyLimitBytes: Number(env.SMS_BODY_LIMIT ?? "65536"),
      nonceTtlSeconds: Number(env.SMS_NONCE_TTL_SECONDS ?? "120"),
      challengeTtlSeconds: Number(env.SMS_CHALLENGE_TTL_SECONDS ?? "300"),
      cryptoThreads: Number(env.SMS_CRYPTO_THREADS ?? "1"),
      rateLimits,
      trustProxy: env.SMS_TRUST_PROXY,
    },
  };
}
