/**
 * Worker process: `node --import tsx src/worker/main.ts <pool-config.json> <worker index>`.
 * Waits for the scheduler's announcement, starts the enclave host (TEE workers), joins the pool.
 */
import { join } from "node:path";
import { Wallet } from "ethers";
import { createEnclaveHost } from "../enclave/enclaveHost.js";
import { loadPoolConfig, readKeyFile } from "../pool/config.js";
import { processLogger, readAnnouncement, rpcClient, stopOnSignals } from "../pool/runtime.js";
import {
  AppBundles,
  beneficiaryKeyFromSms,
  createStandardExecutor,
  createTeeExecutor,
  executorByMode,
} from "./executors/index.js";
import { createWorker } from "./worker.js";

const config = loadPoolConfig(process.argv[2] ?? process.env.POLIS_POOL_CONFIG ?? "pool.json");
const index = Number(process.argv[3] ?? process.env.POLIS_WORKER_INDEX ?? 0);
const spec = config.workers[index];
if (!spec) throw new Error(`pool config has no worker #${index}`);
const logger = processLogger(`worker${index}`);
const key = readKeyFile(spec.keyFile);
const wallet = new Wallet(key);
const client = await rpcClient(config.rpc, key, config.deployments);
const dataDir = join(config.dataDir, `worker${index}`);
const bundles = new AppBundles(client, join(dataDir, "bundles"));
const standard = createStandardExecutor({
  client,
  bundles,
  workDir: join(dataDir, "tasks"),
  beneficiaryKey: beneficiaryKeyFromSms(config.smsUrl),
});
const host =
  spec.tee && spec.platformDir
    ? createEnclaveHost({ logger }, { platformDir: spec.platformDir })
    : undefined;
await host?.start();
const tee = host
  ? createTeeExecutor({
      client,
      wallet: wallet.connect(client.provider),
      host,
      bundles,
      smsUrl: config.smsUrl,
    })
  : undefined;
const scheduler = await readAnnouncement(config.dataDir);
const worker = createWorker(
  { client, walletPrivateKey: key, executor: executorByMode({ tee, standard }), logger },
  {
    scheduler: scheduler.dialAddress,
    schedulerAddress: scheduler.address,
    dataDir,
    inventory: {
      resourceClass: spec.resourceClass,
      cpus: spec.cpus,
      memoryMb: spec.memoryMb,
      tee: Boolean(tee),
      location: spec.location,
      capacity: spec.capacity,
      version: "polis-worker/0.1",
    },
  },
);
await worker.start();
stopOnSignals(
  {
    async stop() {
      await worker.stop();
      await host?.stop();
    },
  },
  logger,
);
