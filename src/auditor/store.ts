import { DatabaseSync } from "node:sqlite";
import type { SQLInputValue } from "node:sqlite";
import { statementCache } from "../core/statementCache.js";
import { AUDITOR_SCHEMA } from "./schema.js";

/** The auditor's SQLite index: a thin wrapper with cached prepared statements. */
export interface AuditorStore {
  readonly db: DatabaseSync;
  /** Runs a cached prepared statement. */
  run(sql: string, ...params: SQLInputValue[]): void;
  get<T = Record<string, unknown>>(sql: string, ...params: SQLInputValue[]): T | undefined;
  all<T = Record<string, unknown>>(sql: string, ...params: SQLInputValue[]): T[];
  meta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
  /** Last fully indexed block, or undefined on a fresh index. */
  checkpoint(): number | undefined;
  transaction<T>(fn: () => T): T;
  close(): void;
}

/**
 * Opens (or creates) the auditor index. WAL journal; every statement is parameterized.
 * @param path A file path, or ":memory:" (default).
 */
export function openAuditorStore(path = ":memory:"): AuditorStore {
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;");
  db.exec(AUDITOR_SCHEMA);
  const prepare = statementCache(db);
  const store: AuditorStore = {
    db,
    run: (sql, ...params) => void prepare(sql).run(...params),
    get: (sql, ...params) => prepare(sql).get(...params) as never,
    all: (sql, ...params) => prepare(sql).all(...params) as never,
    meta: (key) => store.get<{ value: string }>("SELECT value FROM meta WHERE key = ?", key)?.value,
    setMeta: (key, value) =>
      store.run(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        key,
        value,
      ),
    checkpoint() {
      const v = store.meta("checkpoint");
      return v === undefined ? undefined : Number(v);
    },
    transaction(fn) {
      db.exec("BEGIN IMMEDIATE");
      try {
        const out = fn();
        db.exec("COMMIT");
        return out;
      } catch (err) {
        db.exec("ROLLBACK");
        throw err;
      }
    },
    close: () => db.close(),
  };
  return store;
}
