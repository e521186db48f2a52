import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { Wallet } from "ethers";
import { UserError } from "../core/errors/index.js";
import { enrolPlatform, serialOf } from "../enclave/attestation/authority.js";
import {
  AUTHORITY_FILES,
  loadAuthority,
  saveHostIdentity,
  writePublicFile,
  writeSecretFile,
} from "../enclave/attestation/files.js";
import type { PoolConfig, WorkerConfig } from "./config.js";
import type { WorkerInventory } from "./protocol.js";

/** What `polis pool init` writes. */
export interface InitPoolParameters {
  /** Folder for pool.json, keys/ and hosts/ (created). */
  dir: string;
  rpc: string;
  /** Folder with deployments/<chainId>.json (stored relative to `dir` when possible). */
  deployments: string;
  /** The workerpool asset. */
  pool: string;
  smsUrl?: string;
  /** Number of workers. */
  workers: number;
  /** Existing keys (0x-hex) to use instead of generating fresh ones. */
  schedulerKey?: string;
  workerKeys?: readonly string[];
  /** Inventory shared by every worker (each can be edited in pool.json afterwards). */
  inventory?: Partial<Omit<WorkerInventory, "version" | "tee">>;
  /**
   * Attestation authority folder (scripts/attestation/create-authority.ts): when given, each
   * worker's host is enrolled (hosts/worker<i>/) and the workers run TEE tasks.
   */
  authorityDir?: string;
  /** Scheduler settings written as they are (apiPort, heartbeatMs, pollMs...). */
  scheduler?: Omit<PoolConfig["scheduler"], "keyFile">;
  /** Metrics port of worker i is metricsPort + i (0: OS-assigned for all). Default 0. */
  metricsPort?: number;
  /** State folder (default "data", relative to `dir`). */
  dataDir?: string;
  /** Overwrite an existing pool.json (keys are never overwritten). */
  force?: boolean;
}

export interface InitPoolReturnType {
  configPath: string;
  config: PoolConfig;
  scheduler: { address: string; keyFile: string };
  workers: Array<{ address: string; keyFile: string; platformDir?: string }>;
}

/**
 * Writes a pool config with key files (mode 0600) for a scheduler and `workers` workers and,
 * with an authority, enrols each worker's enclave host (platform key 0400, certificate chain).
 * Paths in pool.json are relative to its folder, so the folder can be moved as a whole.
 * @throws UserError when pool.json exists (without `force`) or a key file already exists.
 * @example const { configPath } = await initPool({ dir: "pool", rpc, deployments, pool, workers: 2 });
 */
export async function initPool(p: InitPoolParameters): Promise<InitPoolReturnType> {
  if (!Number.isSafeInteger(p.workers) || p.workers < 1 || p.workers > 256)
    throw new UserError("A pool needs 1 to 256 workers.");
  if (!/^0x[0-9a-fA-F]{40}$/.test(p.pool)) throw new UserError(`Invalid pool address ${p.pool}.`);
  const dir = resolve(p.dir);
  const configPath = join(dir, "pool.json");
  if (existsSync(configPath) && !p.force)
    throw new UserError(`${configPath} already exists.`, { hint: "Pass --force to replace it." });
  await mkdir(join(dir, "keys"), { recursive: true, mode: 0o700 });
  const rel = (path: string) => relative(dir, resolve(path)) || ".";

  const writeKey = async (name: string, given?: string) => {
    const wallet = given ? new Wallet(given) : Wallet.createRandom();
    const keyFile = join(dir, "keys", `${name}.key`);
    try {
      await writeSecretFile(keyFile, wallet.privateKey + "\n", 0o600);
    } catch (cause) {
      throw new UserError(`${keyFile} already exists; refusing to overwrite a key.`, { cause });
    }
    return { address: wallet.address, keyFile };
  };

  const scheduler = await writeKey("scheduler", p.schedulerKey);
  const authority = p.authorityDir ? await loadAuthority(p.authorityDir) : undefined;
  const workers: InitPoolReturnType["workers"] = [];
  const workerConfigs: WorkerConfig[] = [];
  for (let i = 0; i < p.workers; i++) {
    const key = await writeKey(`worker${i}`, p.workerKeys?.[i]);
    let platformDir: string | undefined;
    if (authority) {
      platformDir = join(dir, "hosts", `worker${i}`);
      const identity = enrolPlatform(authority, { platformId: `${key.address.slice(2, 10)}-${i}` });
      await saveHostIdentity(platformDir, identity);
      await recordEnrolment(p.authorityDir!, identity.platformId, serialOf(identity.certPem));
    }
    workers.push({ ...key, platformDir });
    workerConfigs.push({
      keyFile: rel(key.keyFile),
      platformDir: platformDir ? rel(platformDir) : undefined,
      resourceClass: p.inventory?.resourceClass ?? "cloud",
      cpus: p.inventory?.cpus ?? 1,
      memoryMb: p.inventory?.memoryMb ?? 1024,
      tee: authority !== undefined,
      location: p.inventory?.location ?? "",
      capacity: p.inventory?.capacity ?? 2,
      metricsPort: p.metricsPort ? p.metricsPort + i : 0,
    });
  }
  const config: PoolConfig = {
    rpc: p.rpc,
    deployments: rel(p.deployments),
    pool: p.pool,
    dataDir: p.dataDir ?? "data",
    smsUrl: p.smsUrl ?? "http://127.0.0.1:13300",
    scheduler: { keyFile: rel(scheduler.keyFile), ...p.scheduler },
    workers: workerConfigs,
  };
  await writeFile(configPath, JSON.stringify(config, null, 2) + "\n", { mode: 0o644 });
  return { configPath, config, scheduler, workers };
}

/** Appends an enrolment to the authority's register (as scripts/attestation/enrol-host.ts). */
async function recordEnrolment(authorityDir: string, platformId: string, serial: string) {
  const path = join(authorityDir, AUTHORITY_FILES.issued);
  let register: object[] = [];
  try {
    register = JSON.parse(await readFile(path, "utf8")) as object[];
  } catch {
    // no register yet
  }
  register.push({ serial, platformId, issuedAt: new Date().toISOString() });
  await writePublicFile(path, JSON.stringify(register, null, 2) + "\n");
}
