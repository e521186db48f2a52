import { DatabaseSync } from "node:sqlite";

const SCHEMA_VERSION = 1;

const MIGRATION_1 = `
CREATE TABLE secrets (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  target TEXT NOT NULL,
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  iv BLOB NOT NULL,
  ciphertext BLOB NOT NULL,
  pushed_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE TABLE used_tokens (
  token BLOB PRIMARY KEY,
  purpose TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX used_tokens_expiry ON used_tokens (expires_at);
CREATE TABLE grant_usage (
  grant_key TEXT NOT NULL,
  task_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (grant_key, task_id)
) STRICT, WITHOUT ROWID;
CREATE TABLE audit (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  action TEXT NOT NULL,
  outcome TEXT NOT NULL,
  reason TEXT NOT NULL,
  subject TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`;

/**
 * Opens (creating and migrating) the SMS database: WAL journal, synchronous=FULL (a commit is on
 * disk before it is acknowledged), foreign keys on, a busy timeout for the admin tool.
 */
export function openSmsDatabase(path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = FULL");
  db.exec("PRAGMA foreign_keys = ON");
  db.exec("PRAGMA busy_timeout = 5000");
  const version = (db.prepare("PRAGMA user_version").get() as { user_version: number })
    .user_version;
  if (version > SCHEMA_VERSION)
    throw new Error(`SMS database schema ${version} is newer than this SMS (${SCHEMA_VERSION})`);
  if (version < 1) {
    transaction(db, () => {
      db.exec(MIGRATION_1);
      db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    });
  }
  return db;
}

/** Runs `fn` in one IMMEDIATE transaction; rolls back on any throw. */
export function transaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const result = fn();
    db.exec("COMMIT");
    return result;
  } catch (e) {
    try {
      db.exec("ROLLBACK");
    } catch {
      // the transaction may already be gone
    }
    throw e;
  }
}
