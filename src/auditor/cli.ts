/**
 * Auditor command line.
 *
 *   tsx src/auditor/cli.ts check [--rpc URL] [--db FILE] [--deployments DIR] [--confirmations N]
 *                                [--no-sync] [--no-tasks] [--task-limit N] [--json]
 *                                [--attestation-dir DIR | --sms URL] [--allow-private-urls]
 *   tsx src/auditor/cli.ts index [--rpc URL] [--db FILE] [--confirmations N]
 *
 * `check` brings the index up to date (unless --no-sync), then re-verifies it against the chain:
 * escrow conservation, account balances, per-transaction conservation, deal hashes and each
 * completed task's evidence. Exit code 0 when everything holds, 1 when a check fails, 2 on error.
 * Environment: POLIS_RPC_URL, POLIS_DEPLOYMENTS_DIR, AUDITOR_DB, AUDITOR_ATTESTATION_DIR,
 * AUDITOR_SMS_URL, AUDITOR_ALLOW_PRIVATE_URLS=1 (as the service; flags win).
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { BaseError } from "../core/errors/index.js";
import { KeepAliveJsonRpcProvider } from "../core/rpcProvider.js";
import { createClient } from "../sdk/client.js";
import { checkIntegrity } from "./check/integrity.js";
import { createIndexer } from "./indexer.js";
import { openAuditorStore } from "./store.js";
import { loadAttestationRoot } from "./verify/attestationRoot.js";
import { offChainEvidenceChecks } from "./verify/offChainEvidence.js";

const USAGE =
  "usage: cli.ts <check|index> [--rpc URL] [--db FILE] [--no-sync] [--no-tasks] [--json]";

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      rpc: { type: "string" },
      db: { type: "string" },
      deployments: { type: "string" },
      confirmations: { type: "string" },
      "no-sync": { type: "boolean" },
      "no-tasks": { type: "boolean" },
      "task-limit": { type: "string" },
      json: { type: "boolean" },
      verbose: { type: "boolean" },
      "attestation-dir": { type: "string" },
      sms: { type: "string" },
      "allow-private-urls": { type: "boolean" },
    },
  });
  const command = positionals[0];
  if (command !== "check" && command !== "index") {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const env = process.env;
  const logger = pino({
    level: values.verbose ? "debug" : (env.LOG_LEVEL ?? "warn"),
    base: { service: "auditor-cli" },
  });
  const dbPath = values.db ?? env.AUDITOR_DB ?? ".polis/auditor.db";
  if (dbPath !== ":memory:") mkdirSync(dirname(dbPath), { recursive: true });
  const client = await createClient({
    provider: new KeepAliveJsonRpcProvider(
      values.rpc ?? env.POLIS_RPC_URL ?? "http://127.0.0.1:8545",
    ),
    deploymentsDir: values.deployments ?? env.POLIS_DEPLOYMENTS_DIR,
  });
  const store = openAuditorStore(dbPath);
  try {
    if (command === "index" || !values["no-sync"]) {
      const started = Date.now();
      const indexer = createIndexer(
        { client, store, logger },
        { confirmations: values.confirmations === undefined ? 0 : Number(values.confirmations) },
      );
      const p = await indexer.syncOnce();
      if (!values.json) {
        process.stdout.write(
          `indexed ${p.events} events up to block ${p.checkpoint} in ${Date.now() - started} ms\n`,
        );
      }
      if (command === "index") return 0;
    }
    const report = await checkIntegrity(
      { client, store },
      {
        tasks: !values["no-tasks"],
        taskLimit: values["task-limit"] ? Number(values["task-limit"]) : undefined,
        evidence: offChainEvidenceChecks({
          attestationRoot: await loadAttestationRoot({
            dir: values["attestation-dir"] ?? env.AUDITOR_ATTESTATION_DIR,
            smsUrl: values.sms ?? env.AUDITOR_SMS_URL,
          }),
          allowPrivateUrls: values["allow-private-urls"] ?? env.AUDITOR_ALLOW_PRIVATE_URLS === "1",
        }),
      },
    );
    if (values.json) {
      process.stdout.write(JSON.stringify(report, null, 2) + "\n");
    } else {
      process.stdout.write(`integrity check at block ${report.block}\n`);
      for (const c of report.checks) {
        process.stdout.write(`${c.ok ? "PASS" : "FAIL"}  ${c.id}: ${c.message}\n`);
        for (const f of c.failures.slice(0, 20)) process.stdout.write(`      ${f}\n`);
        if (c.failures.length > 20)
          process.stdout.write(`      ... ${c.failures.length - 20} more\n`);
      }
      process.stdout.write(report.ok ? "OK\n" : "FAILED\n");
    }
    return report.ok ? 0 : 1;
  } finally {
    store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const message =
      err instanceof BaseError
        ? err.shortMessage
        : err instanceof Error
          ? err.message
          : String(err);
    process.stderr.write(`error: ${message}\n`);
    if (process.argv.includes("--verbose") && err instanceof Error)
      process.stderr.write(`${err.stack}\n`);
    process.exit(2);
  },
);
