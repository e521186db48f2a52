/**
 * Scheduler process: `node --import tsx src/scheduler/main.ts <pool-config.json>`.
 * Reads the pool config, starts the scheduler, publishes its address for the workers.
 */
import { join } from "node:path";
import { Wallet } from "ethers";
import { loadPoolConfig, readKeyFile } from "../pool/config.js";
import { processLogger, rpcClient, stopOnSignals, writeAnnouncement } from "../pool/runtime.js";
import { createScheduler } from "./scheduler.js";

const config = loadPoolConfig(process.argv[2] ?? process.env.POLIS_POOL_CONFIG ?? "pool.json");
const logger = processLogger("scheduler");
const key = readKeyFile(config.scheduler.keyFile);
const client = await rpcClient(config.rpc, key, config.deployments);
const scheduler = createScheduler(
  { client, walletPrivateKey: key, logger },
  {
    pool: config.pool,
    dataDir: join(config.dataDir, "scheduler"),
    workers: config.workers.map((w) => new Wallet(readKeyFile(w.keyFile)).address),
    apiHost: config.scheduler.apiHost,
    apiPort: config.scheduler.apiPort,
    p2pListen: config.scheduler.p2pPort
      ? [`/ip4/127.0.0.1/tcp/${config.scheduler.p2pPort}`]
      : undefined,
    confirmations: config.scheduler.confirmations,
    heartbeatMs: config.scheduler.heartbeatMs,
    maxBatch: config.scheduler.maxBatch,
    pollMs: config.scheduler.pollMs,
    flushMs: config.scheduler.flushMs,
  },
);
stopOnSignals(scheduler, logger);
await scheduler.start();
writeAnnouncement(config.dataDir, {
  address: new Wallet(key).address,
  dialAddress: scheduler.dialAddress(),
  apiUrl: scheduler.apiUrl(),
  pid: process.pid,
});
