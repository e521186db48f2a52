import { join } from "node:path";
import { getJson, spawnService, waitReady } from "./processes.js";
import type { StackProcess } from "./processes.js";

/** What every service process of a stack shares. */
export interface ServiceContext {
  /** Repository root (cwd of the processes, where `tsx` resolves). */
  root: string;
  rpcUrl: string;
  deploymentsDir: string;
  logsDir: string;
  /** Log level of the services' JSON logs. */
  logLevel: string;
}

/** A TypeScript entry point run on this Node (22) through tsx, detached, logging to a file. */
export function spawnTsService(
  ctx: ServiceContext,
  name: string,
  entry: string,
  args: string[],
  env: Record<string, string>,
): StackProcess {
  return spawnService({
    name,
    command: process.execPath,
    args: ["--disable-warning=ExperimentalWarning", "--import", "tsx", entry, ...args],
    env: { ...process.env, LOG_LEVEL: ctx.logLevel, POLIS_LOG_LEVEL: ctx.logLevel, ...env },
    cwd: ctx.root,
    logFile: join(ctx.logsDir, `${name}.log`),
    marker: entry,
  });
}

/**
 * Starts the SMS (sms/main.ts) pinned to the stack's attestation root. Its data folder holds the
 * database, the master key and the verifier key it creates at first start.
 */
export function startSms(
  ctx: ServiceContext,
  p: { port: number; dataDir: string; authorityDir: string },
): StackProcess {
  return spawnTsService(ctx, "sms", join(ctx.root, "sms/main.ts"), [], {
    SMS_RPC_URL: ctx.rpcUrl,
    SMS_DEPLOYMENTS_DIR: ctx.deploymentsDir,
    SMS_DATA_DIR: p.dataDir,
    SMS_ATTESTATION_DIR: p.authorityDir,
    SMS_HOST: "127.0.0.1",
    SMS_PORT: String(p.port),
    SMS_CRYPTO_THREADS: "0",
  });
}

/** Waits for the SMS to serve and returns its attestation verifier address. */
export async function smsVerifier(proc: StackProcess, url: string): Promise<string> {
  return waitReady(proc, async () => {
    const health = await getJson<{ ok: boolean; verifier: string }>(`${url}/v1/health`);
    return health?.ok ? health.verifier : undefined;
  });
}

/** Starts the order book (src/market/main.ts) on `port`, with its database under `dbPath`. */
export function startMarket(ctx: ServiceContext, p: { port: number; dbPath: string }) {
  return spawnTsService(
    ctx,
    "market",
    join(ctx.root, "src/market/main.ts"),
    ["--rpc", ctx.rpcUrl, "--port", String(p.port), "--db", p.dbPath],
    {
      POLIS_DEPLOYMENTS_DIR: ctx.deploymentsDir,
      MARKET_HOST: "127.0.0.1",
      MARKET_CONFIRMATIONS: "0",
      MARKET_POLL_MS: "250",
      MARKET_VERIFY_THREADS: "0",
    },
  );
}

/** Starts the auditor (indexer, query API and explorer; src/auditor/main.ts) on `port`. */
export function startAuditor(
  ctx: ServiceContext,
  p: { port: number; dbPath: string; authorityDir: string },
) {
  return spawnTsService(
    ctx,
    "auditor",
    join(ctx.root, "src/auditor/main.ts"),
    ["--rpc", ctx.rpcUrl, "--port", String(p.port), "--db", p.dbPath],
    {
      POLIS_DEPLOYMENTS_DIR: ctx.deploymentsDir,
      AUDITOR_HOST: "127.0.0.1",
      AUDITOR_CONFIRMATIONS: "0",
      AUDITOR_POLL_MS: "250",
      AUDITOR_ATTESTATION_DIR: p.authorityDir,
      // The dev stack's pools publish results on 127.0.0.1.
      AUDITOR_ALLOW_PRIVATE_URLS: "1",
    },
  );
}

/** Waits until `url` + `/healthz` answers 2xx. */
export async function waitHealthy(proc: StackProcess, url: string, timeoutMs = 60_000) {
  await waitReady(
    proc,
    async () => ((await getJson(`${url}/healthz`)) ? true : undefined),
    timeoutMs,
  );
}
