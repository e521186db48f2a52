// Worker-thread body of the WAL checkpointer (see walCheckpointer.ts). Plain JavaScript: it needs
// only node:sqlite, so it starts without tsx. It opens its own connection to the database and
// copies committed WAL frames into the database file every `intervalMs` (a PASSIVE checkpoint
// never blocks the writer). Messages out: { checkpointed: { log, checkpointed } } after a
// checkpoint that moved frames; "closed" once its connection is closed. Message in: "close".
import { DatabaseSync } from "node:sqlite";
import { parentPort, workerData } from "node:worker_threads";

const { path, intervalMs } = workerData;
const db = new DatabaseSync(path);
db.exec("PRAGMA busy_timeout = 5000;");
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
  // The last connection to close checkpoints the WAL and removes it.
  db.close();
  parentPort.postMessage("closed");
  parentPort.close();
});
