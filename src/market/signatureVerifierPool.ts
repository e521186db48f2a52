import { Worker } from "node:worker_threads";
import type { EcdsaStatus } from "./signatureVerifier.js";

/** A signature verifier running on worker threads (same semantics as createSignatureVerifier). */
export interface SignatureVerifierPool {
  verify(digest: string, signature: string, signer: string): Promise<EcdsaStatus>;
  close(): Promise<void>;
}

interface Pending {
  items: [string, string, string][];
  resolves: ((s: EcdsaStatus) => void)[];
}

/**
 * Spreads ECDSA checks (the most expensive step of a publish) over `threads` worker threads, so
 * the HTTP thread keeps serving. Each signer always goes to the same worker, whose cache then
 * holds that wallet's precomputed public key; checks queued in the same event-loop turn travel in
 * one message.
 */
export function createSignatureVerifierPool(threads: number): SignatureVerifierPool {
  const workers = Array.from(
    { length: threads },
    () => new Worker(new URL("./verifyWorker.mjs", import.meta.url)),
  );
  const waiting = new Map<number, (out: EcdsaStatus[]) => void>();
  for (const w of workers) {
    w.on("message", ({ id, out }: { id: number; out: EcdsaStatus[] }) => {
      waiting.get(id)?.(out);
      waiting.delete(id);
    });
    w.unref();
  }
  let nextId = 1;
  const pending = new Map<number, Pending>();
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    for (const [index, batch] of pending) {
      const id = nextId++;
      waiting.set(id, (out) => out.forEach((s, i) => batch.resolves[i](s)));
      workers[index].postMessage({ id, items: batch.items });
    }
    pending.clear();
  };
  return {
    verify(digest, signature, signer) {
      const index = parseInt(signer.slice(-6), 16) % workers.length;
      return new Promise((resolve) => {
        let batch = pending.get(index);
        if (!batch) {
          batch = { items: [], resolves: [] };
          pending.set(index, batch);
        }
        batch.items.push([digest, signature, signer.toLowerCase()]);
        batch.resolves.push(resolve);
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
