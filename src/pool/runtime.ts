import { KeepAliveJsonRpcProvider } from "../core/rpcProvider.js";
import { readFileSync, writeFileSync, renameSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fastWallet } from "../core/crypto/fastWallet.js";
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
  writeJsonAtomic(announcementPath(dataDir), a);
}

/** Waits until the scheduler process has published its address. */
export async function readAnnouncement(
  dataDir: string,
  timeoutMs = 60_000,
): Promise<SchedulerAnnouncement> {
  return waitForJson<SchedulerAnnouncement>(announcementPath(dataDir), timeoutMs);
}

/** What a worker process publishes in `<dataDir>/worker<i>.json` once it has joined. */
export interface WorkerAnnouncement {
  name: string;
  address: string;
  /** Prometheus endpoint, e.g. http://127.0.0.1:41234/metrics. */
  metricsUrl: string;
  pid: number;
}

export function workerAnnouncementPath(dataDir: string, name: string): string {
  return join(dataDir, `${name}.json`);
}

export function writeWorkerAnnouncement(dataDir: string, a: WorkerAnnouncement): void {
  writeJsonAtomic(workerAnnouncementPath(dataDir, a.name), a);
}

/** Waits until worker `name` ("worker0", ...) has published its announcement. */
export async function readWorkerAnnouncement(
  dataDir: string,
  name: string,
  timeoutMs = 60_000,
): Promise<WorkerAnnouncement> {
  return waitForJson<WorkerAnnouncement>(workerAnnouncementPath(dataDir, name), timeoutMs);
}

function writeJsonAtomic(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, JSON.stringify(value, null, 2));
  renameSync(`${path}.tmp`, path);
}

async function waitForJson<T>(path: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return JSON.parse(readFileSync(path, "utf8")) as T;
    } catch {
      if (Date.now() > deadline) throw new Error(`${path} did not appear`);
      await new Promise((r) => setTimeout(r, 100));
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
  return createClient({ signer: fastWallet(privateKey, provider), deploymentsDir });
}

/**
 * JSON logs for a pool process (pino) on stdout; level from POLIS_LOG_LEVEL (default info).
 * Writes are synchronous: a process that is killed loses no line it logged.
 */
export function processLogger(name: string): Logger {
  return pino(
    { name, level: process.env.POLIS_LOG_LEVEL ?? "info" },
    pino.destination({ dest: 1, sync: true }),
  );
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
