import { Worker } from "node:worker_threads";
import type { DatabaseSync } from "node:sqlite";

/** A WAL checkpointer running on its own thread (see startWalCheckpointer). */
export interface WalCheckpointer {
  /** Resolves after the next checkpoint that moved frames into the database file. */
  nextCheckpoint(): Promise<{ log: number; checkpointed: number }>;
  /**
   * Stops the thread and returns once its connection is closed (waiting at most
   * STOP_TIMEOUT_MS), so the caller's connection closes last: it checkpoints and removes the WAL
   * before its own close() returns, and nothing touches the files afterwards.
   */
  stop(): void;
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
/** Longest wait for the thread to close its connection on stop (a checkpoint in progress ends first). */
const STOP_TIMEOUT_MS = 5000;

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
  // Set to 1 by the thread once its connection is closed (or failed to open).
  const released = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(new URL("./walCheckpointWorker.mjs", import.meta.url), {
    workerData: { path, intervalMs: options.intervalMs ?? 50, released },
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
      if (running) {
        worker.postMessage("close");
        // Blocks this thread only while the other one finishes its checkpoint and closes.
        Atomics.wait(released, 0, 0, STOP_TIMEOUT_MS);
      }
      running = false;
    },
  };
}
