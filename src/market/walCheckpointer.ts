import { Worker } from "node:worker_threads";
import type { DatabaseSync } from "node:sqlite";

/** A WAL checkpointer running on its own thread (see startWalCheckpointer). */
export interface WalCheckpointer {
  /** Resolves after the next checkpoint that moved frames into the database file. */
  nextCheckpoint(): Promise<{ log: number; checkpointed: number }>;
  /**
   * Stops the thread; it closes its connection (checkpointing the WAL if it is the last one).
   * Resolves once that connection is closed.
   */
  stop(): Promise<void>;
}

/**
 * WAL size (pages) at which the writer still checkpoints itself: never reached while the thread
 * keeps up (it checkpoints every few hundred pages), but a single large transaction (a bulk
 * import) is checkpointed by its own commit, as with SQLite's default, and a thread that falls
 * behind cannot let the WAL grow without bound.
 */
const WRITER_CHECKPOINT_PAGES = 10_000;
/** SQLite's default automatic checkpoint threshold, restored should the thread fail. */
const DEFAULT_CHECKPOINT_PAGES = 1000;

/** Options of startWalCheckpointer. */
export interface WalCheckpointerOptions {
  /** Period of the checkpoints, in ms (default 50). */
  intervalMs?: number;
}

/**
 * Moves WAL checkpoints off the writer's thread. A checkpoint copies the WAL's pages into the
 * database file and fsyncs both: with SQLite's automatic checkpoints this runs inside a COMMIT
 * every ~1000 pages, on the HTTP thread, and was most of the cost of storing an order. Here a
 * worker thread with its own connection to `path` runs PASSIVE checkpoints, which never block the
 * writer, and the writer connection `db` only appends to the WAL (see WRITER_CHECKPOINT_PAGES).
 * Durability is unchanged (WAL with synchronous = NORMAL: a commit is durable at the next
 * checkpoint's fsync). Should the thread fail, automatic checkpoints are turned back on.
 */
export function startWalCheckpointer(
  db: DatabaseSync,
  path: string,
  options: WalCheckpointerOptions = {},
): WalCheckpointer {
  const worker = new Worker(new URL("./walCheckpointWorker.mjs", import.meta.url), {
    workerData: { path, intervalMs: options.intervalMs ?? 50 },
  });
  worker.unref();
  db.exec(`PRAGMA wal_autocheckpoint = ${WRITER_CHECKPOINT_PAGES};`);
  let running = true;
  const fallBack = () => {
    if (running && db.isOpen) db.exec(`PRAGMA wal_autocheckpoint = ${DEFAULT_CHECKPOINT_PAGES};`);
    running = false;
  };
  worker.once("error", fallBack);
  worker.once("exit", fallBack);
  const closed = new Promise<void>((resolve) => {
    worker.on("message", (m) => m === "closed" && resolve());
    worker.once("exit", () => resolve());
  });
  return {
    nextCheckpoint() {
      return new Promise((resolve) => {
        const onMessage = (m: { checkpointed?: { log: number; checkpointed: number } }) => {
          if (!m?.checkpointed) return;
          worker.off("message", onMessage);
          resolve(m.checkpointed);
        };
        worker.on("message", onMessage);
      });
    },
    stop() {
      if (running) worker.postMessage("close");
      running = false;
      return closed;
    },
  };
}
