import { getAddress, toBeHex } from "ethers";
import type { Log } from "ethers";
import { OrderKind } from "../core/index.js";
import type { AnyOrder } from "../core/index.js";
import type { PolisClient } from "../sdk/client.js";
import type { ChainState } from "./chainState.js";
import { lockOf } from "./orderColumns.js";
import type { MarketStore } from "./store.js";
import type { BookEntry, Logger, RemovalReason } from "./types.js";

/** What the watcher tells the rest of the market after each committed round. */
export interface SyncListener {
  removed(entry: BookEntry, reason: RemovalReason): void;
  updated(entry: BookEntry): void;
  dealCreated(deal: DealCreatedNotice): void;
  synced(block: number): void;
  failed(err: unknown): void;
}

/** A deal seen by the watcher (the `deal-created` event). */
export interface DealCreatedNotice {
  dealId: string;
  requester: string;
  workerpool: string;
  orderHashes: string[];
  volume: string;
  blockNumber: number;
  transactionHash: string;
}

/** Options of the sync watcher, with defaults. */
export interface SyncWatcherInit {
  /** Blocks behind the head before an event is applied (default 1). */
  confirmations?: number;
  /** Poll interval in ms (default 1000). */
  pollIntervalMs?: number;
  /** Expiry sweep interval in ms (default 5000). */
  expirySweepMs?: number;
  /** First block to scan on a fresh database (default: the deployment's start block). */
  fromBlock?: number;
  /** Largest block range per eth_getLogs (default 2000). */
  chunkSize?: number;
}

/** The chain sync watcher. */
export interface SyncWatcher {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Applies every confirmed block since the checkpoint. Returns the new checkpoint. */
  syncOnce(): Promise<number>;
  /** Removes orders whose expiry has passed at the chain head. Returns how many. */
  sweepExpired(): Promise<number>;
}

interface Removal {
  hash: string;
  reason: RemovalReason;
}

/**
 * Keeps the book in line with the chain. Events since the persisted checkpoint (up to the head
 * minus the confirmation depth) are triggers; the decision is always taken on the chain's latest
 * state, so replaying an event twice, or after a restart, is harmless:
 * - DealCreated: the remaining volume of each matched order is re-read (`consumed`);
 * - OrderCancelled: the order leaves the book;
 * - registry Transfer: orders of the asset not signed by its current owner leave the book;
 * - Withdrawn / Locked / Seized: request and workerpool orders the account can no longer cover
 *   leave the book.
 * Book changes and the checkpoint are committed in one SQLite transaction. RPC errors are logged
 * and retried with backoff.
 */
export function createSyncWatcher(
  components: {
    client: PolisClient;
    store: MarketStore;
    chain: ChainState;
    logger: Logger;
    listener: SyncListener;
  },
  init: SyncWatcherInit = {},
): SyncWatcher {
  const { client, store, chain, logger, listener } = components;
  const confirmations = init.confirmations ?? 1;
  const pollIntervalMs = init.pollIntervalMs ?? 1000;
  const expirySweepMs = init.expirySweepMs ?? 5000;
  const chunkSize = init.chunkSize ?? 2000;
  const d = client.deployment;
  const registryKinds = new Map<string, OrderKind>([
    [d.appRegistry.toLowerCase(), OrderKind.App],
    [d.datasetRegistry.toLowerCase(), OrderKind.Dataset],
    [d.workerpoolRegistry.toLowerCase(), OrderKind.Workerpool],
  ]);
  const hub = client.hub.interface;
  const registry = client.appRegistry.interface;
  const topics = {
    deal: hub.getEvent("DealCreated")!.topicHash,
    cancel: hub.getEvent("OrderCancelled")!.topicHash,
    withdrawn: hub.getEvent("Withdrawn")!.topicHash,
    locked: hub.getEvent("Locked")!.topicHash,
    seized: hub.getEvent("Seized")!.topicHash,
    transfer: registry.getEvent("Transfer")!.topicHash,
  };
  const addresses = [d.hub, d.appRegistry, d.datasetRegistry, d.workerpoolRegistry];

  let running = false;
  let pollTimer: NodeJS.Timeout | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  let inFlight: Promise<unknown> = Promise.resolve();
  let failures = 0;

  const startBlock = () => store.checkpoint() ?? (init.fromBlock ?? d.startBlock) - 1;

  const remove = (removals: Removal[]) => {
    const done: [BookEntry, RemovalReason][] = [];
    for (const r of removals) {
      const entry = store.remove(r.hash);
      if (entry) done.push([entry, r.reason]);
    }
    return done;
  };

  async function applyRange(from: number, to: number): Promise<void> {
    const logs: Log[] = await client.provider.getLogs({
      address: addresses,
      topics: [Object.values(topics)],
      fromBlock: from,
      toBlock: to,
    });
    chain.invalidate();
    const removals: Removal[] = [];
    const updates: [string, bigint][] = [];
    const deals: DealCreatedNotice[] = [];
    const accounts = new Set<string>();
    for (const log of logs) {
      const topic = log.topics[0];
      const address = log.address.toLowerCase();
      if (topic === topics.transfer && registryKinds.has(address)) {
        const kind = registryKinds.get(address)!;
        const asset = getAddress(toBeHex(BigInt(log.topics[3]), 20));
        const owner = await chain.ownerOf(kind, asset);
        for (const e of store.byAsset(kind, asset)) {
          if (e.signer !== owner) removals.push({ hash: e.orderHash, reason: "owner-changed" });
        }
        continue;
      }
      if (address !== d.hub.toLowerCase()) continue;
      const parsed = hub.parseLog(log);
      if (!parsed) continue;
      if (parsed.name === "DealCreated") {
        const hashes = (parsed.args.orderHashes as string[]).map((h) => h.toLowerCase());
        for (const h of hashes) {
          const entry = store.get(h);
          if (!entry) continue;
          const consumed = await chain.consumed(h);
          const remaining = entry.order.volume > consumed ? entry.order.volume - consumed : 0n;
          if (remaining === 0n) removals.push({ hash: h, reason: "filled" });
          else if (remaining !== entry.remaining) updates.push([h, remaining]);
        }
        deals.push({
          dealId: parsed.args.dealId as string,
          requester: parsed.args.requester as string,
          workerpool: parsed.args.workerpool as string,
          orderHashes: hashes,
          volume: (parsed.args.deal.botSize as bigint).toString(),
          blockNumber: log.blockNumber,
          transactionHash: log.transactionHash,
        });
      } else if (parsed.name === "OrderCancelled") {
        removals.push({
          hash: (parsed.args.orderHash as string).toLowerCase(),
          reason: "cancelled",
        });
      } else {
        accounts.add((parsed.args.account as string).toLowerCase());
      }
    }
    for (const account of accounts) {
      const entries = store
        .bySigner(account)
        .filter((e) => e.kind === OrderKind.Request || e.kind === OrderKind.Workerpool);
      if (entries.length === 0) continue;
      const stake = await chain.stakeOf(account);
      for (const e of entries) {
        const remaining = updates.find(([h]) => h === e.orderHash)?.[1] ?? e.remaining;
        if (lockOf(e.kind, e.order as AnyOrder, remaining) > stake) {
          removals.push({ hash: e.orderHash, reason: "balance-insufficient" });
        }
      }
    }
    const { removed, updated } = store.transaction(() => {
      const removedNow = remove(removals);
      const gone = new Set(removedNow.map(([e]) => e.orderHash));
      const updatedNow: BookEntry[] = [];
      for (const [h, remaining] of updates) {
        if (gone.has(h)) continue;
        store.setRemaining(h, remaining);
        const e = store.get(h);
        if (e) updatedNow.push(e);
      }
      store.setCheckpoint(to);
      return { removed: removedNow, updated: updatedNow };
    });
    for (const [entry, reason] of removed) listener.removed(entry, reason);
    for (const entry of updated) listener.updated(entry);
    for (const deal of deals) listener.dealCreated(deal);
    if (logs.length > 0) {
      logger.debug({ from, to, logs: logs.length, removed: removed.length }, "sync applied");
    }
  }

  // Rounds run one at a time (the poll loop and explicit calls share this queue).
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    inFlight = queue;
    return run;
  };

  const syncOnce = (): Promise<number> =>
    serial(async () => {
      const head = await client.provider.getBlockNumber();
      const target = head - confirmations;
      let from = startBlock() + 1;
      while (from <= target) {
        const to = Math.min(target, from + chunkSize - 1);
        await applyRange(from, to);
        from = to + 1;
      }
      const checkpoint = store.checkpoint() ?? startBlock();
      listener.synced(checkpoint);
      return checkpoint;
    });

  const sweepExpired = (): Promise<number> =>
    serial(async () => {
      chain.invalidate();
      const head = await chain.head();
      const removed = store.transaction(() =>
        remove(
          store
            .expiredAt(head.timestamp)
            .map((e) => ({ hash: e.orderHash, reason: "expired" as const })),
        ),
      );
      for (const [entry, reason] of removed) listener.removed(entry, reason);
      return removed.length;
    });

  const schedulePoll = (delay: number) => {
    if (!running) return;
    pollTimer = setTimeout(async () => {
      try {
        await syncOnce();
        failures = 0;
      } catch (err) {
        failures++;
        listener.failed(err);
        logger.warn({ err, failures }, "chain sync failed; retrying");
      }
      schedulePoll(
        failures === 0 ? pollIntervalMs : Math.min(pollIntervalMs * 2 ** failures, 30_000),
      );
    }, delay);
  };

  const scheduleSweep = () => {
    if (!running) return;
    sweepTimer = setTimeout(async () => {
      try {
        await sweepExpired();
      } catch (err) {
        logger.warn({ err }, "expiry sweep failed; retrying");
      }
      scheduleSweep();
    }, expirySweepMs);
  };

  return {
    async start() {
      running = true;
      logger.info({ checkpoint: startBlock(), confirmations }, "chain sync starting");
      schedulePoll(0);
      scheduleSweep();
    },
    async stop() {
      running = false;
      clearTimeout(pollTimer);
      clearTimeout(sweepTimer);
      await inFlight;
    },
    syncOnce,
    sweepExpired,
  };
}
