import { toQuantity } from "ethers";
import type { Log } from "ethers";

import type { PolisClient } from "../sdk/client.js";
import { applyEvent } from "./eventHandlers.js";
import { eventSourcesOf } from "./eventSources.js";
import type { AuditorStore } from "./store.js";
import type { Logger } from "pino";

/** A log as eth_getLogs returns it. */
interface RawLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  logIndex: string;
  transactionHash: string;
}

/** Options of the indexer, with defaults. */
export interface IndexerInit {
  /** Blocks behind the head before an event is indexed (default 1). */
  confirmations?: number;
  /** Poll interval in ms (default 1000). */
  pollIntervalMs?: number;
  /** First block on a fresh index (default: the deployment's start block). */
  fromBlock?: number;
  /** Largest block range per eth_getLogs (default 5000). */
  chunkSize?: number;
  /** Record block timestamps (one header read per block with events; default true). */
  timestamps?: boolean;
}

/** Where an indexing round ended. */
export interface IndexerProgress {
  /** Last indexed block. */
  checkpoint: number;
  /** Events applied in this call. */
  events: number;
}

/** The event indexer. */
export interface Indexer {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Indexes every confirmed block since the checkpoint. */
  syncOnce(): Promise<IndexerProgress>;
}

/**
 * Replays every event of the registries, the hub and the task manager into the auditor store.
 * Each block range is applied in one SQLite transaction together with the checkpoint, so a
 * restart resumes exactly after the last committed range; events are keyed by (block, log index),
 * so a range is never counted twice. RPC errors are logged and retried with backoff.
 */
export function createIndexer(
  components: {
    client: PolisClient;
    store: AuditorStore;
    logger: Logger;
    onProgress?: (p: IndexerProgress) => void;
    onError?: (err: unknown) => void;
  },
  init: IndexerInit = {},
): Indexer {
  const { client, store, logger } = components;
  const confirmations = init.confirmations ?? 1;
  const pollIntervalMs = init.pollIntervalMs ?? 1000;
  const chunkSize = init.chunkSize ?? 5000;
  const withTimestamps = init.timestamps ?? true;
  const sources = eventSourcesOf(client);
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let failures = 0;

  const startBlock = () =>
    store.checkpoint() ?? (init.fromBlock ?? client.deployment.startBlock) - 1;

  // Raw JSON-RPC when the provider exposes it (skips ethers' Log and Block objects).
  const rpc = client.provider as typeof client.provider & {
    send?: (method: string, params: unknown[]) => Promise<any>;
  };

  async function timestampsOf(logs: Log[]): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    if (!withTimestamps) return out;
    const blocks = [...new Set(logs.map((l) => l.blockNumber))];
    const read = async (b: number): Promise<number> => {
      if (typeof rpc.send !== "function")
        return (await client.provider.getBlock(b))?.timestamp ?? 0;
      const block = await rpc.send("eth_getBlockByNumber", [toQuantity(b), false]);
      return block ? Number(block.timestamp) : 0;
    };
    for (let i = 0; i < blocks.length; i += 100) {
      const batch = blocks.slice(i, i + 100);
      (await Promise.all(batch.map(read))).forEach((t, j) => out.set(batch[j], t));
    }
    return out;
  }

  async function fetchLogs(from: number, to: number): Promise<Log[]> {
    if (typeof rpc.send !== "function") {
      return client.provider.getLogs({ address: sources.addresses, fromBlock: from, toBlock: to });
    }
    const raw: RawLog[] = await rpc.send("eth_getLogs", [
      { address: sources.addresses, fromBlock: toQuantity(from), toBlock: toQuantity(to) },
    ]);
    return raw.map(
      (l) =>
        ({
          address: l.address,
          topics: l.topics,
          data: l.data,
          blockNumber: Number(l.blockNumber),
          index: Number(l.logIndex),
          transactionHash: l.transactionHash,
        }) as unknown as Log,
    );
  }

  async function indexRange(from: number, to: number): Promise<number> {
    const logs = await fetchLogs(from, to);
    const times = await timestampsOf(logs);
    let applied = 0;
    store.transaction(() => {
      for (const log of logs) {
        const parsed = sources.parse(log);
        if (!parsed) continue;
        applyEvent(store, {
          block: log.blockNumber,
          logIndex: log.index,
          txHash: log.transactionHash.toLowerCase(),
          timestamp: times.get(log.blockNumber) ?? null,
          contract: parsed.contract,
          name: parsed.event.name,
          args: parsed.event.args,
        });
        applied++;
      }
      store.setMeta("checkpoint", String(to));
    });
    return applied;
  }

  const syncOnce = (): Promise<IndexerProgress> => {
    const run = queue.then(async () => {
      const head = await client.provider.getBlockNumber();
      const target = head - confirmations;
      let from = startBlock() + 1;
      let events = 0;
      while (from <= target) {
        const to = Math.min(target, from + chunkSize - 1);
        events += await indexRange(from, to);
        from = to + 1;
      }
      const progress = { checkpoint: store.checkpoint() ?? startBlock(), events };
      if (events > 0) logger.debug(progress, "indexed");
      components.onProgress?.(progress);
      return progress;
    });
    queue = run.catch(() => undefined);
    return run;
  };

  const schedule = (delay: number) => {
    if (!running) return;
    timer = setTimeout(async () => {
      try {
        await syncOnce();
        failures = 0;
      } catch (err) {
        failures++;
        components.onError?.(err);
        logger.warn({ err, failures }, "indexing failed; retrying");
      }
      schedule(failures === 0 ? pollIntervalMs : Math.min(pollIntervalMs * 2 ** failures, 30_000));
    }, delay);
  };

  return {
    async start() {
      running = true;
      logger.info({ checkpoint: startBlock(), confirmations }, "indexer starting");
      schedule(0);
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await queue;
    },
    syncOnce,
  };
}
