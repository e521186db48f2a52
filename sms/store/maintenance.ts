import { chmodSync, copyFileSync, existsSync, renameSync, rmSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { createAuditLog } from "../audit/auditLog.js";
import { deriveKey, loadOrCreateMasterKey } from "./masterKey.js";
import { createSecretStore } from "./secretStore.js";

export interface VerifyReport {
  integrity: string;
  auditRows: number;
  auditOk: boolean;
  auditBrokenAt?: number;
  secrets?: number;
  corruptSecrets?: string[];
  ok: boolean;
}

/** Checks a database file: SQLite integrity, the audit hash chain and (with the key) every secret. */
export async function verifyDatabase(path: string, masterKeyPath?: string): Promise<VerifyReport> {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const integrity = (db.prepare("PRAGMA integrity_check").get() as { integrity_check: string })
      .integrity_check;
    const audit = createAuditLog(db, Date.now).verify();
    const report: VerifyReport = {
      integrity,
      auditRows: audit.rows,
      auditOk: audit.ok,
      auditBrokenAt: audit.brokenAt,
      ok: integrity === "ok" && audit.ok,
    };
    if (masterKeyPath) {
      const secrets = createSecretStore(
        db,
        deriveKey(await loadOrCreateMasterKey(masterKeyPath), "secrets/v1"),
        Date.now,
      );
      const ids = secrets.ids();
      report.secrets = ids.length;
      report.corruptSecrets = [];
      for (const { kind, target, name } of ids) {
        try {
          secrets.get(kind, target, name);
        } catch {
          report.corruptSecrets.push(`${kind}/${target}${name ? "/" + name : ""}`);
        }
      }
      report.ok &&= report.corruptSecrets.length === 0;
    }
    return report;
  } finally {
    db.close();
  }
}

/** A consistent online copy of a live database (WAL readers do not block the SMS). */
export async function backupDatabase(path: string, dest: string): Promise<VerifyReport> {
  if (existsSync(dest)) throw new Error(`${dest} exists; choose a new file`);
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    db.prepare("VACUUM INTO ?").run(dest);
  } finally {
    db.close();
  }
  chmodSync(dest, 0o600);
  return verifyDatabase(dest);
}

/** Replaces `path` with a verified backup (atomically, via a temp file). */
export async function restoreDatabase(
  backup: string,
  path: string,
  force: boolean,
): Promise<VerifyReport> {
  const report = await verifyDatabase(backup);
  if (!report.ok) throw new Error(`the backup does not verify: ${JSON.stringify(report)}`);
  if (existsSync(path) && !force)
    throw new Error(`${path} exists; pass --force (stop the SMS first)`);
  const tmp = `${path}.restore-${process.pid}`;
  copyFileSync(backup, tmp);
  chmodSync(tmp, 0o600);
  for (const suffix of ["-wal", "-shm"]) rmSync(path + suffix, { force: true });
  renameSync(tmp, path);
  return report;
}
