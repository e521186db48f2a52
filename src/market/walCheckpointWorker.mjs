// Worker-thread body of the WAL checkpointer (see walCheckpointer.ts). Plain JavaScript: it needs
// only node:sqlite, so it starts without tsx. It opens its own connection to the database and
// copies committed WAL frames into the database file every `intervalMs` (a PASSIVE checkpoint
// never blocks the writer). Message out: { checkpointed: { log, checkpointed } } after a
// checkpoint that moved frames. Message in: "close". Once its connection is closed (or could not
// be opened) it sets `released[0]` to 1 and notifies, so the owner can wait for it synchronously.
import { DatabaseSync } from "node:sqlite";
import { parentPort, workerData } from "node:worker_threads";

const { path, intervalMs, released } = workerData;
const release = () => {
  Atomics.store(released, 0, 1);
  Atomics.notify(released, 0);
};

let db;
try {
  db = new DatabaseSync(path);
  db.exec("PRAGMA busy_timeout = 5000;");
} catch (err) {
  release();
  throw err;
}
const checkpoint = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");

const run = () => {
  const row = checkpoint.get();
  if (row.busy === 0 && row.checkpointed > 0) {
    parentPort.postMessage({ checkpointed: { log: row.log, checkpointed: row.checkpointed } });
  }
};
const timer = setInterval(run, intervalMs);
parentPort.on("message", (message) => {
  if (message !== "close") return;
  clearInterval(timer);
  db.close();
  release();
  parentPort.close();
});
