import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Wallet, ZeroAddress, ZeroHash, keccak256, toUtf8Bytes } from "ethers";
import pino from "pino";
import { createClient, type PolisClient } from "../../src/sdk/client.js";
import { createScheduler, type Scheduler } from "../../src/scheduler/index.js";
import { createWorker, type PoolWorker, type TaskExecutor } from "../../src/worker/index.js";
import { packArchive, sha256Hex } from "../../src/core/crypto/index.js";
import type { PolisFixture } from "../helpers/fixture.js";
import { ethers, networkHelpers } from "../helpers/fixture.js";

export const quiet = pino({ level: process.env.POLIS_TEST_LOG ?? "silent" });

/** A standard executor whose output is a pure function of the task (honest, deterministic). */
export function deterministicExecutor(
  output: (taskId: string) => string = (t) => `result of ${t}`,
): TaskExecutor {
  return {
    async execute(a) {
      const archive = packArchive([{ path: "result.txt", data: Buffer.from(output(a.taskId)) }]);
      return {
        resultDigest: sha256Hex(archive),
        blob: archive.toString("base64"),
        receiptHash: ZeroHash,
        callbackData: "0x",
        enclave: ZeroAddress,
        enclaveSignature: "0x",
        attestation: "0x",
      };
    },
  };
}

export interface PoolHarness {
  scheduler: Scheduler;
  workers: PoolWorker[];
  schedulerWallet: Wallet;
  workerWallets: Wallet[];
  stop(): Promise<void>;
}

/** Funds a fresh wallet with ETH on the in-process chain. */
export async function fundedWallet(): Promise<Wallet> {
  const w = Wallet.createRandom().connect(ethers.provider) as unknown as Wallet;
  await networkHelpers.setBalance(w.address, 10n ** 21n);
  return w;
}

export async function clientFor(f: PolisFixture, signer: Wallet): Promise<PolisClient> {
  const deployment = {
    chainId: f.chainId.toString(),
    hub: await f.hub.getAddress(),
    taskManager: await f.taskManager.getAddress(),
    token: await f.token.getAddress(),
    appRegistry: await f.appRegistry.getAddress(),
    datasetRegistry: await f.datasetRegistry.getAddress(),
    workerpoolRegistry: await f.workerpoolRegistry.getAddress(),
    startBlock: 0,
    deployedAt: new Date().toISOString(),
  };
  return createClient({ provider: ethers.provider, signer, deployment });
}

/** Starts a scheduler (for `pool`, keyed by `schedulerWallet`) and workers with the given executors. */
/** An executor, or a factory building one for the worker's wallet and client. */
export type ExecutorSpec = TaskExecutor | ((wallet: Wallet, client: PolisClient) => TaskExecutor);

export async function startPool(
  f: PolisFixture,
  pool: string,
  schedulerWallet: Wallet,
  executors: ExecutorSpec[],
  opts: { tee?: boolean; heartbeatMs?: number; dataDir?: string } = {},
): Promise<PoolHarness> {
  const dir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "polis-pool-"));
  const workerWallets = await Promise.all(executors.map(() => fundedWallet()));
  const scheduler = createScheduler(
    {
      client: await clientFor(f, schedulerWallet),
      walletPrivateKey: schedulerWallet.privateKey,
      logger: quiet.child({ c: "scheduler" }),
    },
    {
      pool,
      dataDir: join(dir, "scheduler"),
      workers: workerWallets.map((w) => w.address),
      apiPort: 0,
      heartbeatMs: opts.heartbeatMs ?? 500,
      pollMs: 100,
      flushMs: 100,
    },
  );
  await scheduler.start();
  const workers: PoolWorker[] = [];
  for (const [i, w] of workerWallets.entries()) {
    const client = await clientFor(f, w);
    const spec = executors[i];
    const executor: TaskExecutor = "execute" in spec ? spec : spec(w, client);
    const worker = createWorker(
      {
        client,
        walletPrivateKey: w.privateKey,
        executor,
        logger: quiet.child({ c: `worker${i}` }),
      },
      {
        scheduler: scheduler.dialAddress(),
        schedulerAddress: schedulerWallet.address,
        dataDir: join(dir, `worker${i}`),
        inventory: {
          resourceClass: "fog",
          cpus: 2,
          memoryMb: 2048,
          tee: opts.tee ?? false,
          location: "eu-west/paris",
          capacity: 4,
          version: "test",
        },
        pollMs: 100,
      },
    );
    await worker.start();
    workers.push(worker);
  }
  return {
    scheduler,
    workers,
    schedulerWallet,
    workerWallets,
    async stop() {
      await Promise.all(workers.map((w) => w.stop()));
      await scheduler.stop();
    },
  };
}

export async function waitFor(
  cond: () => Promise<boolean>,
  timeoutMs = 30_000,
  label = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${label}`);
}

export const LABEL = keccak256(toUtf8Bytes("pool"));
