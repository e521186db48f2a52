import { DatabaseSync } from "node:sqlite";
import { mkdirSync, readFileSync, existsSync } from "node:fs";
import { open, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import { createHash, randomBytes } from "node:crypto";

export interface StoredBlob {
  sha256: string;
  size: number;
  taskId: string;
  uploader: string;
  createdAt: number;
}

/**
 * Content-addressed blob store on disk (one file per sha256, written with fsync + rename) with
 * metadata and receipts in SQLite.
 */
export class ResultStore {
  readonly #db: DatabaseSync;
  readonly #dir: string;
  readonly #sql: ReturnType<typeof statements>;

  constructor(dir: string) {
    this.#dir = dir;
    mkdirSync(join(dir, "blobs"), { recursive: true });
    this.#db = new DatabaseSync(join(dir, "results.sqlite"));
    this.#db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = FULL;
      CREATE TABLE IF NOT EXISTS blobs (
        sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, task_id TEXT NOT NULL,
        uploader TEXT NOT NULL, created_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS task_receipts (
        task_id TEXT NOT NULL, receipt_hash TEXT NOT NULL, body TEXT NOT NULL,
        uploader TEXT NOT NULL, created_at INTEGER NOT NULL,
        PRIMARY KEY (task_id, receipt_hash));
    `);
    this.#sql = statements(this.#db);
  }

  /**
   * Stores `data` under its sha256 (idempotent) and records who uploaded it for which task, with
   * the task's usage receipt when one comes along (one SQLite commit for both, or neither: a new
   * receipt for a task that already has `receipt.maxPerTask` stores nothing and answers
   * `receiptRefused`). The file is written and fsynced off the event loop, then renamed into
   * place: a reader never sees a partial blob. Returns the hex digest without 0x.
   */
  async put(
    data: Uint8Array,
    taskId: string,
    uploader: string,
    receipt?: { hash: string; body: string; maxPerTask?: number },
    now = Date.now(),
  ): Promise<{ sha256: string; receiptCreated: boolean; receiptRefused: boolean }> {
    const sha256 = createHash("sha256").update(data).digest("hex");
    const path = this.#path(sha256);
    if (!existsSync(path)) await writeDurably(path, data);
    // From here on synchronous: the limit is checked and the rows written in one step.
    if (
      receipt?.maxPerTask !== undefined &&
      this.getReceipt(taskId, receipt.hash) === undefined &&
      this.receiptCount(taskId) >= receipt.maxPerTask
    )
      return { sha256, receiptCreated: false, receiptRefused: true };
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      this.#sql.insertBlob.run(sha256, data.length, taskId.toLowerCase(), uploader, now);
      const receiptCreated = receipt
        ? this.#insertReceipt(taskId, receipt.hash, receipt.body, uploader, now)
        : false;
      this.#db.exec("COMMIT");
      return { sha256, receiptCreated, receiptRefused: false };
    } catch (err) {
      this.#db.exec("ROLLBACK");
      throw err;
    }
  }

  /** The blob's bytes, re-checked against its address; undefined if absent or corrupted. */
  get(sha256: string): Buffer | undefined {
    if (!/^[0-9a-f]{64}$/.test(sha256)) return undefined;
    const path = this.#path(sha256);
    if (!existsSync(path)) return undefined;
    const data = readFileSync(path);
    return createHash("sha256").update(data).digest("hex") === sha256 ? data : undefined;
  }

  info(sha256: string): StoredBlob | undefined {
    const row = this.#sql.blob.get(sha256) as Record<string, unknown> | undefined;
    if (!row) return undefined;
    return {
      sha256: String(row.sha256),
      size: Number(row.size),
      taskId: String(row.task_id),
      uploader: String(row.uploader),
      createdAt: Number(row.created_at),
    };
  }

  /**
   * Saves a usage receipt under (task, receipt hash). A task may have several: a worker whose
   * result the scheduler refused uploaded one too. Verifiers ask for the one the chain names, so
   * an earlier upload can never hide it; the same receipt twice is stored once.
   */
  putReceipt(
    taskId: string,
    hash: string,
    body: string,
    uploader: string,
    now = Date.now(),
  ): boolean {
    return this.#insertReceipt(taskId, hash, body, uploader, now);
  }

  #insertReceipt(taskId: string, hash: string, body: string, uploader: string, now: number) {
    const r = this.#sql.insertReceipt.run(
      taskId.toLowerCase(),
      hash.toLowerCase(),
      body,
      uploader,
      now,
    );
    return Number(r.changes) === 1;
  }

  /** How many receipts are stored for `taskId`. */
  receiptCount(taskId: string): number {
    const row = this.#sql.receiptCount.get(taskId.toLowerCase()) as { n: number };
    return Number(row.n);
  }

  /** The receipt of `taskId` hashing to `hash`, or without a hash the latest uploaded. */
  getReceipt(taskId: string, hash?: string): string | undefined {
    const row = (
      hash
        ? this.#sql.receipt.get(taskId.toLowerCase(), hash.toLowerCase())
        : this.#sql.latestReceipt.get(taskId.toLowerCase())
    ) as { body: string } | undefined;
    return row?.body;
  }

  count(): number {
    return Number((this.#db.prepare("SELECT COUNT(*) AS n FROM blobs").get() as { n: number }).n);
  }

  close(): void {
    this.#db.close();
  }

  #path(sha256: string): string {
    return join(this.#dir, "blobs", sha256);
  }
}

function statements(db: DatabaseSync) {
  return {
    insertBlob: db.prepare(
      "INSERT OR IGNORE INTO blobs (sha256, size, task_id, uploader, created_at) VALUES (?, ?, ?, ?, ?)",
    ),
    blob: db.prepare("SELECT * FROM blobs WHERE sha256 = ?"),
    insertReceipt: db.prepare(
      "INSERT OR IGNORE INTO task_receipts (task_id, receipt_hash, body, uploader, created_at) VALUES (?, ?, ?, ?, ?)",
    ),
    receiptCount: db.prepare("SELECT COUNT(*) AS n FROM task_receipts WHERE task_id = ?"),
    receipt: db.prepare("SELECT body FROM task_receipts WHERE task_id = ? AND receipt_hash = ?"),
    latestReceipt: db.prepare(
      "SELECT body FROM task_receipts WHERE task_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1",
    ),
  };
}

/** Writes `data` to a temporary file, fsyncs it and renames it to `path`. */
async function writeDurably(path: string, data: Uint8Array): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  const file = await open(tmp, "w", 0o644);
  try {
    await file.writeFile(data);
    await file.sync();
  } catch (err) {
    await file.close();
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await file.close();
  await rename(tmp, path);
}
