import { rmSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Wallet } from "ethers";
import type { PolisClient } from "../sdk/client.js";
import { withSigner } from "../sdk/client.js";
import { createWorkerpool } from "../sdk/actions/assets/createWorkerpool.js";
import type { ResourceClass } from "../sdk/actions/assets/createWorkerpool.js";
import type { PoolConfig } from "../pool/config.js";
import { announcementPath, readAnnouncement } from "../pool/runtime.js";
import type { SchedulerAnnouncement } from "../pool/runtime.js";
import { getJson, waitReady } from "./processes.js";
import type { StackProcess } from "./processes.js";
import { spawnTsService } from "./services.js";
import type { ServiceContext } from "./services.js";

/** The pool's wallets: the owner (stakes, earns the pool's share), its scheduler, its workers. */
export interface PoolWallets {
  owner: Wallet;
  scheduler: Wallet;
  workers: Wallet[];
}

/** What each worker host of the local pool looks like (shown in the pool's inventory). */
const WORKER_PROFILES: ReadonlyArray<{ resourceClass: ResourceClass; location: string }> = [
  { resourceClass: "cloud", location: "city-hall/datacenter" },
  { resourceClass: "fog", location: "district-north/fog-node" },
  { resourceClass: "edge", location: "district-south/edge-box" },
];

/** Fresh random wallets for a pool of `workers` workers. */
export function createPoolWallets(workers: number): PoolWallets {
  const fresh = () => new Wallet(Wallet.createRandom().privateKey);
  return { owner: fresh(), scheduler: fresh(), workers: Array.from({ length: workers }, fresh) };
}

/** Writes a private key for a pool process (mode 0600); never printed. */
export async function writeKeyFile(path: string, wallet: Wallet): Promise<void> {
  await writeFile(path, wallet.privateKey + "\n", { mode: 0o600 });
}

/** Registers the workerpool asset (owned by `wallets.owner`) with its scheduler delegated. */
export async function registerPool(client: PolisClient, wallets: PoolWallets): Promise<string> {
  const { workerpool } = await createWorkerpool(
    withSigner(client, wallets.owner.connect(client.provider)),
    {
      description: `Polis local pool: 1 scheduler, ${wallets.workers.length} TEE-capable workers`,
      resourceClass: "fog",
      location: "local/127.0.0.1",
      workerStakeRatio: 30,
      schedulerRewardRatio: 20,
      scheduler: wallets.scheduler.address,
    },
  );
  return workerpool;
}

/** Writes the keys and the pool config `polis pool start`/launchPool read; returns its path. */
export async function writePoolConfig(p: {
  dir: string;
  rpcUrl: string;
  deploymentsDir: string;
  pool: string;
  smsUrl: string;
  apiPort: number;
  wallets: PoolWallets;
  hostDirs: string[];
}): Promise<string> {
  const keys = join(p.dir, "keys");
  await mkdir(keys, { recursive: true, mode: 0o700 });
  await writeKeyFile(join(keys, "scheduler.key"), p.wallets.scheduler);
  const config: PoolConfig = {
    rpc: p.rpcUrl,
    deployments: p.deploymentsDir,
    pool: p.pool,
    dataDir: join(p.dir, "state"),
    smsUrl: p.smsUrl,
    scheduler: { keyFile: join(keys, "scheduler.key"), apiPort: p.apiPort, heartbeatMs: 1_000 },
    workers: [],
  };
  for (const [i, w] of p.wallets.workers.entries()) {
    await writeKeyFile(join(keys, `worker${i}.key`), w);
    const profile = WORKER_PROFILES[i % WORKER_PROFILES.length];
    config.workers.push({
      keyFile: join(keys, `worker${i}.key`),
      platformDir: p.hostDirs[i],
      resourceClass: profile.resourceClass,
      location: profile.location,
      cpus: 1,
      memoryMb: 1024,
      tee: true,
      capacity: 2,
    });
  }
  const path = join(p.dir, "pool.json");
  await writeFile(path, JSON.stringify(config, null, 2) + "\n");
  return path;
}

/**
 * Starts the pool's processes (what launchPool does, but detached so they can outlive the
 * caller): the scheduler, then each worker once the scheduler announced its address; resolves
 * when every worker has joined.
 */
export async function startPoolProcesses(
  ctx: ServiceContext,
  p: { configPath: string; stateDir: string; workers: number },
): Promise<{ processes: StackProcess[]; scheduler: SchedulerAnnouncement }> {
  rmSync(announcementPath(p.stateDir), { force: true });
  const schedulerProc = spawnTsService(
    ctx,
    "scheduler",
    join(ctx.root, "src/scheduler/main.ts"),
    [p.configPath],
    {},
  );
  const scheduler = await waitReady(schedulerProc, () => readAnnouncement(p.stateDir, 0));
  const workers = Array.from({ length: p.workers }, (_, i) =>
    spawnTsService(
      ctx,
      `worker${i}`,
      join(ctx.root, "src/worker/main.ts"),
      [p.configPath, String(i)],
      {},
    ),
  );
  for (const w of workers) {
    await waitReady(w, async () => {
      const info = await getJson<{ workers: Array<{ alive: boolean }> }>(
        `${scheduler.apiUrl}/v1/pool`,
      );
      return (info?.workers.filter((x) => x.alive).length ?? 0) >= p.workers ? true : undefined;
    });
  }
  return { processes: [schedulerProc, ...workers], scheduler };
}
