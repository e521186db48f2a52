import { parentPort, workerData } from "node:worker_threads";
import type { TypedDataDomain } from "ethers";
import { createReleaseCrypto, type VerifyJob } from "./releaseCrypto.js";

/** Worker-thread side of the crypto pool: answers { id, job } with { id, result | error }. */
const { domain, verifierPrivateKey } = workerData as {
  domain: TypedDataDomain;
  verifierPrivateKey: string;
};
const crypto = createReleaseCrypto(domain, verifierPrivateKey);
parentPort!.on("message", (m: { id: number; job: VerifyJob }) => {
  try {
    parentPort!.postMessage({ id: m.id, result: crypto.verify(m.job) });
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) });
  }
});
parentPort!.postMessage({ ready: true });
