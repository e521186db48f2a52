import { KeepAliveJsonRpcProvider } from "../core/rpcProvider.js";
import { readFileSync, writeFileSync, renameSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Wallet } from "ethers";
import pino, { type Logger } from "pino";
import { createClient, type PolisClient } from "../sdk/client.js";

/** What the scheduler publishes for its workers in `<dataDir>/scheduler.json`. */
export interface SchedulerAnnouncement {
  address: string;
  dialAddress: string;
  apiUrl: string;
  pid: number;
}

export function announcementPath(dataDir: string): string {
  return join(dataDir, "scheduler.json");
}

export function writeAnnouncement(dataDir: string, a: SchedulerAnnouncement): void {
  mkdirSync(dataDir, { recursive: true });
  const path = announcementPath(dataDir);
  writeFileSync(`${path}.tmp`, JSON.stringify(a, null, 2));
  renameSync(`${path}.tmp`, path);
}

/** Waits until the scheduler process has published its address. */
export async function readAnnouncement(
  dataDir: string,
  timeoutMs = 60_000,
): Promise<SchedulerAnnouncement> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return JSON.parse(readFileSync(announcementPath(dataDir), "utf8")) as SchedulerAnnouncement;
    } catch {
      if (Date.now() > deadline) throw new Error(`no scheduler announcement in ${dataDir}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** A client on a JSON-RPC chain acting as `privateKey`. */
export async function rpcClient(
  rpc: string,
  privateKey: string,
  deploymentsDir: string,
): Promise<PolisClient> {
  const provider = new KeepAliveJsonRpcProvider(rpc, { pollingInterval: 250 });
  return createClient({ signer: new Wallet(privateKey, provider), deploymentsDir });
}

/** JSON logs for a pool process (pino); level from POLIS_LOG_LEVEL (default info). */
export function processLogger(name: string): Logger {
  return pino({ name, level: process.env.POLIS_LOG_LEVEL ?? "info" });
}

/** Stops `service` on SIGINT/SIGTERM, then exits. */
export function stopOnSignals(service: { stop(): Promise<void> }, logger: Logger): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    service.stop().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err: (err as Error).message }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
}
