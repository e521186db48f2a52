/**
 * Entry point of the order book service.
 *
 *   npm run market -- [--rpc URL] [--host H] [--port N] [--db FILE] [--confirmations N]
 *
 * Environment (flags win): POLIS_RPC_URL (http://127.0.0.1:8545), POLIS_DEPLOYMENTS_DIR
 * (deployments), MARKET_HOST (127.0.0.1), MARKET_PORT (13400), MARKET_DB (.polis/market.db),
 * MARKET_CONFIRMATIONS (1), MARKET_POLL_MS (1000), MARKET_MAX_ORDERS_PER_WALLET (1000),
 * MARKET_VERIFY_THREADS (1: signature checks on a worker thread; 0 = on the HTTP thread),
 * MARKET_REFUSED_BURST (100) and MARKET_REFUSED_PER_SEC (10): refused publishes allowed per
 * client address, LOG_LEVEL (info).
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { KeepAliveJsonRpcProvider } from "../core/rpcProvider.js";
import { createClient } from "../sdk/client.js";
import { DEFAULT_REFUSED_PUBLISHES, createMarket } from "./market.js";

const { values } = parseArgs({
  options: {
    rpc: { type: "string" },
    host: { type: "string" },
    port: { type: "string" },
    db: { type: "string" },
    confirmations: { type: "string" },
    deployments: { type: "string" },
  },
});
const env = process.env;
const logger = pino({ level: env.LOG_LEVEL ?? "info", base: { service: "market" } });
const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));

const dbPath = values.db ?? env.MARKET_DB ?? ".polis/market.db";
if (dbPath !== ":memory:") mkdirSync(dirname(dbPath), { recursive: true });
const client = await createClient({
  provider: new KeepAliveJsonRpcProvider(
    values.rpc ?? env.POLIS_RPC_URL ?? "http://127.0.0.1:8545",
  ),
  deploymentsDir: values.deployments ?? env.POLIS_DEPLOYMENTS_DIR,
});
const market = createMarket(
  { client, logger },
  {
    host: values.host ?? env.MARKET_HOST,
    port: num(values.port ?? env.MARKET_PORT),
    dbPath,
    confirmations: num(values.confirmations ?? env.MARKET_CONFIRMATIONS),
    pollIntervalMs: num(env.MARKET_POLL_MS),
    maxOpenOrdersPerWallet: num(env.MARKET_MAX_ORDERS_PER_WALLET),
    refusedPublishes: {
      capacity: num(env.MARKET_REFUSED_BURST) ?? DEFAULT_REFUSED_PUBLISHES.capacity,
      refillPerSecond: num(env.MARKET_REFUSED_PER_SEC) ?? DEFAULT_REFUSED_PUBLISHES.refillPerSecond,
    },
    verifyThreads: num(env.MARKET_VERIFY_THREADS) ?? 1,
  },
);
await market.start();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    logger.info({ signal }, "shutting down");
    market.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
