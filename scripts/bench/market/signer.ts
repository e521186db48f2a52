import { Worker } from "node:worker_threads";

/** Signs digests on `threads` worker threads; `sign([[privateKey, digest]])` keeps the order. */
export function createSignerPool(threads: number) {
  const workers = Array.from(
    { length: threads },
    () => new Worker(new URL("./signWorker.mjs", import.meta.url)),
  );
  let nextId = 0;
  const signChunk = (worker: Worker, items: [string, string][]) =>
    new Promise<string[]>((resolve) => {
      const id = nextId++;
      const onMessage = (m: { id: number; out: string[] }) => {
        if (m.id !== id) return;
        worker.off("message", onMessage);
        resolve(m.out);
      };
      worker.on("message", onMessage);
      worker.postMessage({ id, items });
    });
  return {
    async sign(items: [string, string][]): Promise<string[]> {
      const size = Math.ceil(items.length / workers.length);
      const parts = await Promise.all(
        workers.map((w, i) => signChunk(w, items.slice(i * size, (i + 1) * size))),
      );
      return parts.flat();
    },
    close: () => Promise.all(workers.map((w) => w.terminate())),
  };
}
