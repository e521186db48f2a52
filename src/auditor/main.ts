/**
 * Entry point of the auditor service (indexer + query API + explorer).
 *
 *   npm run auditor -- [--rpc URL] [--host H] [--port N] [--db FILE] [--confirmations N]
 *
 * Environment (flags win): POLIS_RPC_URL (http://127.0.0.1:8545), POLIS_DEPLOYMENTS_DIR
 * (deployments), AUDITOR_HOST (127.0.0.1), AUDITOR_PORT (13500), AUDITOR_DB (.polis/auditor.db),
 * AUDITOR_CONFIRMATIONS (1), AUDITOR_POLL_MS (1000), LOG_LEVEL (info),
 * AUDITOR_ATTESTATION_DIR (--attestation-dir: the authority's public folder) or AUDITOR_SMS_URL
 * (--sms: take the root the SMS pins), to check enclave quotes' certificate chains;
 * AUDITOR_ALLOW_PRIVATE_URLS=1 (--allow-private-urls) lets it fetch result stores on loopback and
 * private addresses (dev stacks; pools choose these URLs, so production auditors refuse them).
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { KeepAliveJsonRpcProvider } from "../core/rpcProvider.js";
import { createClient } from "../sdk/client.js";
import { createAuditor } from "./auditor.js";
import { loadAttestationRoot } from "./verify/attestationRoot.js";
import { offChainEvidenceChecks } from "./verify/offChainEvidence.js";

const { values } = parseArgs({
  options: {
    rpc: { type: "string" },
    host: { type: "string" },
    port: { type: "string" },
    db: { type: "string" },
    confirmations: { type: "string" },
    deployments: { type: "string" },
    "attestation-dir": { type: "string" },
    sms: { type: "string" },
    "allow-private-urls": { type: "boolean" },
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
const attestationRoot = await loadAttestationRoot({
  dir: values["attestation-dir"] ?? env.AUDITOR_ATTESTATION_DIR,
  smsUrl: values.sms ?? env.AUDITOR_SMS_URL,
});
if (!attestationRoot)
  logger.warn("no attestation root (AUDITOR_ATTESTATION_DIR or AUDITOR_SMS_URL): quotes unchecked");
const auditor = createAuditor(
  {
    client,
    logger,
    evidence: offChainEvidenceChecks({
      attestationRoot,
      allowPrivateUrls: values["allow-private-urls"] ?? env.AUDITOR_ALLOW_PRIVATE_URLS === "1",
    }),
  },
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
