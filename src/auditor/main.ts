/**
 * Entry point of the auditor service (indexer + query API + explorer).
 *
 *   npm run auditor -- [--rpc URL] [--host H] [--port N] [--db FILE] [--confirmations N]
 *
 * Environment (flags win): POLIS_RPC_URL (http://127.0.0.1:8545), POLIS_DEPLOYMENTS_DIR
 * (deployments), AUDITOR_HOST (127.0.0.1), AUDITOR_PORT (13500), AUDITOR_DB (.polis/auditor.db),
 * AUDITOR_CONFIRMATIONS (1), AUDITOR_POLL_MS (1000), LOG_LEVEL (info).
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { KeepAliveJsonRpcProvider } from "../core/rpcProvider.js";
import { createClient } from "../sdk/client.js";
import { createAuditor } from "./auditor.js";

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
const logger = pino({ level: env.LOG_LEVEL ?? "info", base: { service: "auditor" } });
const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
const dbPath = values.db ?? env.AUDITOR_DB ?? ".polis/auditor.db";
if (dbPath !== ":memory:") mkdirSync(dirname(dbPath), { recursive: true });

const client = await createClient({
  provider: new KeepAliveJsonRpcProvider(
    values.rpc ?? env.POLIS_RPC_URL ?? "http://127.0.0.1:8545",
  ),
  deploymentsDir: values.deployments ?? env.POLIS_DEPLOYMENTS_DIR,
});
const auditor = createAuditor(
  { client, logger },
  {
    host: values.host ?? env.AUDITOR_HOST,
    port: num(values.port ?? env.AUDITOR_PORT),
    dbPath,
    confirmations: num(values.confirmations ?? env.AUDITOR_CONFIRMATIONS),
    pollIntervalMs: num(env.AUDITOR_POLL_MS),
  },
);
await auditor.start();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    logger.info({ signal }, "shutting down");
    auditor.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
