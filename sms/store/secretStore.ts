import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { secretRecordId, type SecretKind } from "../../src/core/sms.js";

/** Raised when a stored ciphertext does not authenticate (flipped bytes, moved between records). */
export class SecretCorruptError extends Error {
  override name = "SecretCorruptError";
}

export interface SecretStore {
  /** Encrypts and upserts; returns the new version. Call inside the caller's transaction. */
  put(kind: SecretKind, target: string, name: string, value: Uint8Array, pushedBy: string): number;
  /**
   * Decrypts a secret.
   * @returns undefined when absent.
   * @throws SecretCorruptError when the record does not authenticate.
   */
  get(kind: SecretKind, target: string, name?: string): Buffer | undefined;
  exists(kind: SecretKind, target: string, name?: string): boolean;
  /** Ids of every record (admin verify). */
  ids(): { kind: SecretKind; target: string; name: string }[];
}

interface Row {
  id: string;
  version: number;
  iv: Uint8Array;
  ciphertext: Uint8Array;
}

const TAG_BYTES = 16;

/**
 * Secrets at rest: AES-256-GCM under a key derived from the master key, a random 12-byte IV per
 * write, and AAD = `<record id>#<version>`, so a ciphertext copied to another record (or an old
 * version replayed over a newer one) fails authentication.
 */
export function createSecretStore(db: DatabaseSync, key: Buffer, clock: () => number): SecretStore {
  const select: StatementSync = db.prepare(
    "SELECT id, version, iv, ciphertext FROM secrets WHERE id = ?",
  );
  const existsStmt = db.prepare("SELECT 1 AS one FROM secrets WHERE id = ?");
  const versionStmt = db.prepare("SELECT version FROM secrets WHERE id = ?");
  const upsert = db.prepare(`
    INSERT INTO secrets (id, kind, target, name, version, iv, ciphertext, pushed_by, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET version = excluded.version, iv = excluded.iv,
      ciphertext = excluded.ciphertext, pushed_by = excluded.pushed_by,
      updated_at = excluded.updated_at`);
  const all = db.prepare("SELECT kind, target, name FROM secrets ORDER BY id");
  const aad = (id: string, version: number) => Buffer.from(`${id}#${version}`, "utf8");

  return {
    put(kind, target, name, value, pushedBy) {
      const id = secretRecordId(kind, target, name);
      const previous = versionStmt.get(id) as { version: number } | undefined;
      const version = (previous?.version ?? 0) + 1;
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      cipher.setAAD(aad(id, version));
      const ciphertext = Buffer.concat([cipher.update(value), cipher.final(), cipher.getAuthTag()]);
      upsert.run(id, kind, target.toLowerCase(), name, version, iv, ciphertext, pushedBy, clock());
      return version;
    },
    get(kind, target, name = "") {
      const id = secretRecordId(kind, target, name);
      const row = select.get(id) as Row | undefined;
      if (!row) return undefined;
      const ct = Buffer.from(row.ciphertext);
      if (ct.length < TAG_BYTES || row.iv.length !== 12)
        throw new SecretCorruptError(`secret record ${id} is truncated`);
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, row.iv);
        decipher.setAAD(aad(row.id, row.version));
        decipher.setAuthTag(ct.subarray(ct.length - TAG_BYTES));
        return Buffer.concat([
          decipher.update(ct.subarray(0, ct.length - TAG_BYTES)),
          decipher.final(),
        ]);
      } catch {
        throw new SecretCorruptError(`secret record ${id} does not authenticate`);
      }
    },
    exists(kind, target, name = "") {
      return existsStmt.get(secretRecordId(kind, target, name)) !== undefined;
    },
    ids() {
      return all.all() as { kind: SecretKind; target: string; name: string }[];
    },
  };
}
