import type { DatabaseSync } from "node:sqlite";
import { createAuditLog, type AuditLog } from "../audit/auditLog.js";
import { openSmsDatabase, transaction } from "./database.js";
import { createGroupCommitter } from "./groupCommit.js";
import { createGrantUsageStore, type GrantUsageStore } from "./grantUsage.js";
import { deriveKey, loadOrCreateMasterKey } from "./masterKey.js";
import { createSecretStore, type SecretStore } from "./secretStore.js";
import { createTokenStore, type TokenStore } from "./tokens.js";

/** The SMS's durable state: one SQLite file and the master key file. */
export interface SmsStore {
  db: DatabaseSync;
  secrets: SecretStore;
  tokens: TokenStore;
  grants: GrantUsageStore;
  audit: AuditLog;
  /**
   * Runs `fn` atomically and resolves once it is durable (group commit: concurrent requests share
   * one fsync). A throw rolls back `fn` alone and rejects.
   */
  commit<T>(fn: () => T): Promise<T>;
  /** Runs `fn` atomically now; `durable` resolves once it is on disk (see GroupCommitter.stage). */
  stage<T>(fn: () => T): { value: T; durable: Promise<void> };
  /** Synchronous transaction, for tools; never while the server is writing. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

export interface OpenSmsStoreParameters {
  dbPath: string;
  masterKeyPath: string;
  clock?: () => number;
}

/**
 * Opens the SMS store, creating the database and the master key (mode 0400) on first start.
 * @example const store = await openSmsStore({ dbPath: "data/sms.db", masterKeyPath: "data/master.key" });
 */
export async function openSmsStore(p: OpenSmsStoreParameters): Promise<SmsStore> {
  const clock = p.clock ?? Date.now;
  const master = await loadOrCreateMasterKey(p.masterKeyPath);
  const db = openSmsDatabase(p.dbPath);
  const group = createGroupCommitter(db);
  return {
    db,
    secrets: createSecretStore(db, deriveKey(master, "secrets/v1"), clock),
    tokens: createTokenStore(db, deriveKey(master, "tokens/v1"), clock),
    grants: createGrantUsageStore(db, clock),
    audit: createAuditLog(db, clock),
    commit: (fn) => group.run(fn),
    stage: (fn) => group.stage(fn),
    transaction: (fn) => transaction(db, fn),
    close: () => {
      if (db.isOpen) db.close();
    },
  };
}
