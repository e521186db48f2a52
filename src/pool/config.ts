import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { Wallet } from "ethers";
import { UserError } from "../core/errors/index.js";
import type { WorkerInventory } from "./protocol.js";

/** One worker of a pool config. */
export interface WorkerConfig extends Omit<WorkerInventory, "version"> {
  /** File holding the worker's private key (hex, mode 0600). */
  keyFile: string;
  /** TEE workers: folder written by scripts/attestation/enrol-host.ts. */
  platformDir?: string;
  /** Prometheus /metrics port of the worker process (default 0: OS-assigned, see worker.json). */
  metricsPort?: number;
  /** Host the metrics endpoint binds (default 127.0.0.1). */
  metricsHost?: string;
  /** On SIGTERM, time running tasks get to finish before they are handed back (default 10 s). */
  stopGraceMs?: number;
}

/** A pool as `polis pool start` runs it: one scheduler and its workers. */
export interface PoolConfig {
  /** JSON-RPC URL of the chain. */
  rpc: string;
  /** Folder with deployments/<chainId>.json. */
  deployments: string;
  /** The workerpool asset address. */
  pool: string;
  /** Root of the processes' state (SQLite files, result store). */
  dataDir: string;
  smsUrl: string;
  scheduler: {
    keyFile: string;
    apiHost?: string;
    apiPort?: number;
    p2pPort?: number;
    confirmations?: number;
    heartbeatMs?: number;
    maxBatch?: number;
    /** Chain polling period in ms (default 500). */
    pollMs?: number;
    /** Longest wait of a fast-path result for its batch, ms (default 300). */
    flushMs?: number;
  };
  workers: WorkerConfig[];
}

/**
 * Reads and validates a pool config; relative paths are resolved against the config's folder.
 * @throws UserError naming the first invalid field.
 */
export function loadPoolConfig(path: string): PoolConfig {
  let raw: PoolConfig;
  try {
    raw = JSON.parse(readFileSync(path, "utf8")) as PoolConfig;
  } catch (cause) {
    throw new UserError(`Cannot read pool config ${path}.`, {
      cause,
      hint: "Create one with `polis pool init`.",
    });
  }
  const base = dirname(resolve(path));
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const need = (ok: unknown, field: string) => {
    if (!ok) throw new UserError(`Pool config ${path}: "${field}" is missing or invalid.`);
  };
  need(typeof raw.rpc === "string", "rpc");
  need(/^0x[0-9a-fA-F]{40}$/.test(raw.pool), "pool");
  need(typeof raw.scheduler?.keyFile === "string", "scheduler.keyFile");
  need(Array.isArray(raw.workers) && raw.workers.length > 0, "workers");
  raw.workers.forEach((w, i) => {
    need(typeof w.keyFile === "string", `workers[${i}].keyFile`);
    need(["cloud", "fog", "edge"].includes(w.resourceClass), `workers[${i}].resourceClass`);
    need(Number.isSafeInteger(w.capacity) && w.capacity > 0, `workers[${i}].capacity`);
    need(
      w.metricsPort === undefined || (Number.isSafeInteger(w.metricsPort) && w.metricsPort >= 0),
      `workers[${i}].metricsPort`,
    );
  });
  return {
    ...raw,
    deployments: abs(raw.deployments ?? "deployments"),
    dataDir: abs(raw.dataDir ?? ".polis/pool"),
    smsUrl: raw.smsUrl ?? "http://127.0.0.1:13300",
    scheduler: { ...raw.scheduler, keyFile: abs(raw.scheduler.keyFile) },
    workers: raw.workers.map((w) => ({
      ...w,
      keyFile: abs(w.keyFile),
      platformDir: w.platformDir ? abs(w.platformDir) : undefined,
      cpus: w.cpus ?? 1,
      memoryMb: w.memoryMb ?? 1024,
      tee: w.tee ?? false,
      location: w.location ?? "",
      metricsPort: w.metricsPort ?? 0,
    })),
  };
}

/** Reads a hex private key from a file. @throws UserError when absent or malformed. */
export function readKeyFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8").trim();
  } catch (cause) {
    throw new UserError(`Cannot read key file ${path}.`, { cause });
  }
  const key = text.startsWith("0x") ? text : `0x${text}`;
  try {
    new Wallet(key);
  } catch (cause) {
    throw new UserError(`Key file ${path} does not hold a valid private key.`, { cause });
  }
  return key;
}
