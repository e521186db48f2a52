import { parentPort, workerData } from "node:worker_threads";
import type { TypedDataDomain } from "ethers";
import { createReleaseCrypto, type StatementJob, type VerifyJob } from "./releaseCrypto.js";

/** Worker-thread side of the crypto pool: answers { id, kind, job } with { id, result | error }. */
const { domain, verifierPrivateKey } = workerData as {
  domain: TypedDataDomain;
  verifierPrivateKey: string;
};
const crypto = createReleaseCrypto(domain, verifierPrivateKey);
parentPort!.on("message", (m: { id: number; kind: "verify" | "signStatement"; job: unknown }) => {
  try {
    const result =
      m.kind === "verify"
        ? crypto.verify(m.job as VerifyJob)
        : crypto.signStatement(m.job as StatementJob);
    parentPort!.postMessage({ id: m.id, result });
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) });
  }
});
parentPort!.postMessage({ ready: true });
