import { parentPort } from "node:worker_threads";
import { createSignatureVerifier } from "./signatureVerifier.js";

/** One batch of checks: [digest, signature, signer] each. */
interface VerifyBatch {
  id: number;
  items: [string, string, string][];
}

const verifier = createSignatureVerifier();
parentPort!.on("message", ({ id, items }: VerifyBatch) => {
  parentPort!.postMessage({
    id,
    out: items.map(([d, s, signer]) => verifier.verify(d, s, signer)),
  });
});
