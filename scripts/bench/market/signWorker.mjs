// Signs EIP-712 digests for the market bench in a worker thread (ECDSA is the slow part of
// building 100k signed orders). Messages: { id, items: [[privateKey, digest], ...] }.
import { parentPort } from "node:worker_threads";
import { SigningKey } from "ethers";

const keys = new Map();
parentPort.on("message", ({ id, items }) => {
  const out = items.map(([privateKey, digest]) => {
    let key = keys.get(privateKey);
    if (!key) {
      key = new SigningKey(privateKey);
      keys.set(privateKey, key);
    }
    return key.sign(digest).serialized;
  });
  parentPort.postMessage({ id, out });
});
