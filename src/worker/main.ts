/**
 * Worker process: `node --import tsx src/worker/main.ts <pool-config.json> <worker index>`.
 * Waits for the scheduler's announcement, starts the enclave host (TEE workers), joins the pool,
 * serves Prometheus metrics and publishes `<dataDir>/worker<i>.json` (address, metrics URL).
 *
 * Environment: POLIS_LOG_LEVEL (info); crash tests only: POLIS_CRASH_BEFORE=<phase>[,<phase>]
 * (SIGKILL itself before that pipeline phase, once) and POLIS_FAULT_FILE=<file> (see faults.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fastWallet } from "../core/crypto/fastWallet.js";
import { createEnclaveHost } from "../enclave/enclaveHost.js";
import { loadPoolConfig, readKeyFile } from "../pool/config.js";
import {
  announcementPath,
  processLogger,
  readAnnouncement,
  rpcClient,
  stopOnSignals,
  writeWorkerAnnouncement,
  type SchedulerAnnouncement,
} from "../pool/runtime.js";
import {
  AppBundles,
  beneficiaryKeyFromSms,
  createStandardExecutor,
  createTeeExecutor,
  executorByMode,
} from "./executors/index.js";
import { createCrashHook } from "./faults.js";
import { createWorker } from "./worker.js";

const config = loadPoolConfig(process.argv[2] ?? process.env.POLIS_POOL_CONFIG ?? "pool.json");
const index = Number(process.argv[3] ?? process.env.POLIS_WORKER_INDEX ?? 0);
const spec = config.workers[index];
if (!spec) throw new Error(`pool config has no worker #${index}`);
const name = `worker${index}`;
const logger = processLogger(name);
const key = readKeyFile(spec.keyFile);
const wallet = fastWallet(key);
const client = await rpcClient(config.rpc, key, config.deployments);
const dataDir = join(config.dataDir, name);
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
// The enclave host boots while the scheduler's announcement is awaited.
const [scheduler] = await Promise.all([readAnnouncement(config.dataDir), host?.start()]);
const tee = host
  ? createTeeExecutor({
      client,
      wallet: wallet.connect(client.provider),
      host,
      bundles,
      smsUrl: config.smsUrl,
    })
  : undefined;
const worker = createWorker(
  { client, walletPrivateKey: key, executor: executorByMode({ tee, standard }), logger },
  {
    scheduler: scheduler.dialAddress,
    rediscoverScheduler: () => {
      try {
        const a = JSON.parse(
          readFileSync(announcementPath(config.dataDir), "utf8"),
        ) as SchedulerAnnouncement;
        return a.dialAddress;
      } catch {
        return undefined;
      }
    },
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
    metricsPort: spec.metricsPort ?? 0,
    stopGraceMs: spec.stopGraceMs,
    metricsHost: spec.metricsHost,
    beforePhase: createCrashHook({
      name,
      before: (process.env.POLIS_CRASH_BEFORE ?? "").split(",").filter(Boolean),
      faultFile: process.env.POLIS_FAULT_FILE || undefined,
      markerDir: join(dataDir, "faults"),
      logger,
    }),
  },
);
stopOnSignals(
  {
    async stop() {
      await worker.stop();
      await host?.stop();
    },
  },
  logger,
);
await worker.start();
writeWorkerAnnouncement(config.dataDir, {
  name,
  address: worker.address,
  metricsUrl: worker.metricsUrl() ?? "",
  pid: process.pid,
});
logger.info({ metrics: worker.metricsUrl() }, "worker metrics listening");
