/**
 * SMS admin: online backup, restore, and verification of a database.
 *
 *   npx tsx sms/admin.ts backup  <db> <backup file>            consistent copy (VACUUM INTO), checked
 *   npx tsx sms/admin.ts restore <backup file> <db> [--force]  stop the SMS first
 *   npx tsx sms/admin.ts verify  <db> [--master-key <file>]    integrity, audit chain, secrets
 *
 * Prints one JSON line. Exit codes: 0 ok, 1 usage or error, 2 verification failed.
 */
import { parseArgs } from "node:util";
import {
  backupDatabase,
  restoreDatabase,
  verifyDatabase,
  type VerifyReport,
} from "./store/maintenance.js";

process.removeAllListeners("warning");

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { force: { type: "boolean", default: false }, "master-key": { type: "string" } },
});
const [command, a, b] = positionals;
let report: VerifyReport;
try {
  if (command === "backup" && a && b) report = await backupDatabase(a, b);
  else if (command === "restore" && a && b)
    report = await restoreDatabase(a, b, values.force ?? false);
  else if (command === "verify" && a) report = await verifyDatabase(a, values["master-key"]);
  else {
    console.error(
      "usage: admin.ts backup <db> <file> | restore <file> <db> [--force] | verify <db> [--master-key <file>]",
    );
    process.exit(1);
  }
} catch (e) {
  console.error(`admin ${command}: ${(e as Error).message}`);
  process.exit(1);
}
console.log(JSON.stringify({ command, ...report }));
process.exit(report.ok ? 0 : 2);
