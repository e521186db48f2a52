import { Worker } from "node:worker_threads";
import type { TypedDataDomain } from "ethers";
import {
  createReleaseCrypto,
  type ReleaseCrypto,
  type VerifyJob,
  type VerifyOutcome,
} from "./releaseCrypto.js";

/** Runs release crypto on worker threads (the least busy one), or inline with `threads: 0`. */
export interface CryptoPool {
  start(): Promise<void>;
  stop(): Promise<void>;
  verify(job: VerifyJob): Promise<VerifyOutcome>;
  readonly threads: number;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  worker: number;
}

const WORKER_ENTRY = new URL("./cryptoWorker.mjs", import.meta.url);

/**
 * The SMS's signature checks and statement signing are most of a release's CPU time: with
 * `threads` > 0 they run on that many worker threads (one trip per release) so a release uses
 * more than one core, while HTTP, the database, chain reads and sealing stay on the main thread.
 */
export function createCryptoPool(
  domain: TypedDataDomain,
  verifierPrivateKey: string,
  threads: number,
): CryptoPool {
  const inline: ReleaseCrypto = createReleaseCrypto(domain, verifierPrivateKey);
  const workers: Worker[] = [];
  const pending = new Map<number, Pending>();
  /** Jobs in flight per worker: a job goes to the least busy, so one slow job delays no queue. */
  const busy: number[] = [];
  let id = 0;
  const settle = (messageId: number): Pending | undefined => {
    const p = pending.get(messageId);
    if (!p) return undefined;
    pending.delete(messageId);
    busy[p.worker]--;
    return p;
  };

  const verify = (job: VerifyJob): Promise<VerifyOutcome> => {
    if (workers.length === 0) return Promise.resolve(inline.verify(job));
    let w = 0;
    for (let i = 1; i < workers.length; i++) if (busy[i] < busy[w]) w = i;
    const messageId = id++;
    return new Promise<VerifyOutcome>((resolve, reject) => {
      pending.set(messageId, { resolve: resolve as (v: unknown) => void, reject, worker: w });
      busy[w]++;
      workers[w].postMessage({ id: messageId, job });
    });
  };

  return {
    get threads() {
      return workers.length;
    },
    async start() {
      for (let i = 0; i < threads; i++) {
        const worker = new Worker(WORKER_ENTRY, { workerData: { domain, verifierPrivateKey } });
        await new Promise<void>((resolve, reject) => {
          worker.once("error", reject);
          worker.once("message", (m: { ready?: boolean }) =>
            m.ready ? resolve() : reject(new Error("bad hello")),
          );
        });
        worker.on("message", (m: { id: number; result?: unknown; error?: string }) => {
          const p = settle(m.id);
          if (!p) return;
          if (m.error !== undefined) p.reject(new Error(m.error));
          else p.resolve(m.result);
        });
        worker.on("error", (e) => {
          for (const k of [...pending.keys()]) settle(k)?.reject(e);
        });
        workers.push(worker);
        busy.push(0);
      }
    },
    async stop() {
      const all = workers.splice(0);
      await Promise.all(all.map((w) => w.terminate()));
      for (const k of [...pending.keys()]) settle(k)?.reject(new Error("crypto pool stopped"));
      busy.length = 0;
    },
    verify,
  };
}
