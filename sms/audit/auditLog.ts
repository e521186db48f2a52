import { createHash } from "node:crypto";
import type { DatabaseSync } from "node:sqlite";
import { canonicalJson } from "../../src/core/canonical.js";

/** One audit event. Subject values are identifiers (task, worker...), hashed before storage. */
export interface AuditEntry {
  action: "release" | "push" | "crl";
  outcome: "granted" | "denied" | "failed";
  reason: string;
  subject: Record<string, string | undefined>;
}

export interface AuditVerification {
  ok: boolean;
  rows: number;
  /** First sequence number whose hash or link does not verify. */
  brokenAt?: number;
}

export interface AuditLog {
  /**
   * Appends a row chained to the previous one. Synchronous: call it inside the transaction whose
   * effects it records, before anything is returned. Throws if the row cannot be written.
   */
  append(entry: AuditEntry): string;
  /** Recomputes every row's hash and link. */
  verify(): AuditVerification;
  count(): number;
}

const GENESIS = "0".repeat(64);

/** sha256 of an identifier, lowercase hex: what the log stores instead of the identifier. */
export function hashIdentifier(value: string): string {
  return createHash("sha256").update(value.toLowerCase()).digest("hex");
}

/**
 * The append-only audit log: each row stores sha256(prev_hash || canonical row), identifiers are
 * hashed, and SQL triggers refuse UPDATE and DELETE.
 */
export function createAuditLog(db: DatabaseSync, clock: () => number): AuditLog {
  const last = db.prepare("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
  const insert = db.prepare(
    "INSERT INTO audit (seq, at, action, outcome, reason, subject, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const rowHash = (prev: string, row: Record<string, unknown>) =>
    createHash("sha256").update(prev).update(canonicalJson(row)).digest("hex");
  return {
    append(entry) {
      const head = last.get() as { seq: number; hash: string } | undefined;
      const seq = (head?.seq ?? 0) + 1;
      const prev = head?.hash ?? GENESIS;
      const subject: Record<string, string> = {};
      for (const [k, v] of Object.entries(entry.subject))
        if (v !== undefined && v !== "") subject[k] = hashIdentifier(v);
      const row = {
        seq,
        at: clock(),
        action: entry.action,
        outcome: entry.outcome,
        reason: entry.reason,
        subject: canonicalJson(subject),
      };
      const hash = rowHash(prev, row);
      insert.run(seq, row.at, row.action, row.outcome, row.reason, row.subject, prev, hash);
      return hash;
    },
    verify() {
      let prev = GENESIS;
      let rows = 0;
      for (const r of db.prepare("SELECT * FROM audit ORDER BY seq").iterate() as Iterable<
        Record<string, unknown>
      >) {
        rows++;
        const { prev_hash, hash, ...row } = r;
        if (prev_hash !== prev || rowHash(prev, row) !== hash)
          return { ok: false, rows, brokenAt: Number(r.seq) };
        prev = hash as string;
      }
      return { ok: true, rows };
    },
    count() {
      return Number((db.prepare("SELECT COUNT(*) AS n FROM audit").get() as { n: number }).n);
    },
  };
}
