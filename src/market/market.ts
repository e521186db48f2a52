import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ORDER_KIND_NAMES } from "../core/index.js";
import { createTokenBuckets } from "../core/tokenBuckets.js";
import type { BucketSpec } from "../core/tokenBuckets.js";
import type { PolisClient } from "../sdk/client.js";
import { createChainState } from "./chainState.js";
import type { ChainState } from "./chainState.js";
import { createEventHub } from "./eventHub.js";
import { createMarketApp, entryToJson } from "./http.js";
import type { MarketHttpDependencies } from "./http.js";
import { createMarketMetrics } from "./metrics.js";
import type { MarketMetrics } from "./metrics.js";
import { createOrderHasher } from "./orderHasher.js";
import { createMarketListener } from "./publishFastPath.js";
import { createSignatureVerifier } from "./signatureVerifier.js";
import { createSignatureVerifierPool } from "./signatureVerifierPool.js";
import { openMarketStore } from "./store.js";
import type { MarketStore } from "./store.js";
import { createSyncWatcher } from "./syncWatcher.js";
import type { SyncWatcher } from "./syncWatcher.js";
import { systemClock } from "./types.js";
import type { Clock, Logger } from "./types.js";

/** What the market is built from. */
export interface MarketComponents {
  /** Read-only client of the Polis deployment (createClient from src/sdk/client.ts). */
  client: PolisClient;
  /** Pino logger (namespaced by the caller). */
  logger: Logger;
  /** The book; default: a SQLite database at `init.dbPath`. */
  store?: MarketStore;
  clock?: Clock;
}

/** Options, with their defaults. */
export interface MarketInit {
  /** Listen address (default "127.0.0.1"). */
  host?: string;
  /** Listen port (default 13400; 0 = any free port). */
  port?: number;
  /** SQLite file (default ":memory:"), used when no store is given. */
  dbPath?: string;
  /** Blocks behind the head before the watcher applies an event (default 1). */
  confirmations?: number;
  /** Watcher poll interval in ms (default 1000). */
  pollIntervalMs?: number;
  /** Expiry sweep interval in ms (default 5000). */
  expirySweepMs?: number;
  /** First block to scan on a fresh database (default: the deployment's start block). */
  fromBlock?: number;
  /** How long a chain head (and reads cached for it) stays current, in ms (default 250). */
  headTtlMs?: number;
  /** Open orders allowed per wallet (default 1000). */
  maxOpenOrdersPerWallet?: number;
  /** Largest request body in bytes (default 65536). */
  maxBodyBytes?: number;
  /**
   * Refused publishes a client address may cause: a burst of `capacity`, then `refillPerSecond`
   * (default 100, then 10/s); `false` for no limit. Published orders never count.
   */
  refusedPublishes?: BucketSpec | false;
  /** Confirm best matches with the hub's estimateMatch (default true). */
  confirmBestMatch?: boolean;
  /** Run the chain sync watcher (default true; tests may drive `sync` by hand). */
  watch?: boolean;
  /** Collect Node.js default metrics (default true). */
  defaultMetrics?: boolean;
  /** Worker threads verifying signatures (default 0: on the HTTP thread). */
  verifyThreads?: number;
}

/** A running (or stopped) market service. */
export interface Market {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Base URL once started, e.g. http://127.0.0.1:13400. */
  readonly url: string;
  readonly store: MarketStore;
  readonly chain: ChainState;
  readonly sync: SyncWatcher;
  readonly metrics: MarketMetrics;
}

/** Refused publishes per client address by default: a burst of 100, then 10 per second. */
export const DEFAULT_REFUSED_PUBLISHES: BucketSpec = { capacity: 100, refillPerSecond: 10 };

/**
 * Creates the off-chain order book service: REST API (src/market/openapi.yaml), chain sync
 * watcher, server-sent events and Prometheus metrics.
 * @example
 * const market = createMarket({ client, logger }, { dbPath: "market.db" });
 * await market.start();
 */
export function createMarket(components: MarketComponents, init: MarketInit = {}): Market {
  const { client } = components;
  const logger = components.logger;
  const clock = components.clock ?? systemClock;
  const store = components.store ?? openMarketStore(init.dbPath ?? ":memory:");
  const chain = createChainState(client, clock, { headTtlMs: init.headTtlMs });
  const hasher = createOrderHasher(client.hubDomain);
  const events = createEventHub();
  const metrics = createMarketMetrics(
    () => store.openCount(),
    () => events.clients(),
    init.defaultMetrics ?? true,
  );
  let lastSynced: number | undefined;
  const sync = createSyncWatcher(
    {
      client,
      store,
      chain,
      logger,
      listener: {
        removed(entry, reason) {
          metrics.removed.inc({ reason });
          events.publish("order-removed", {
            orderHash: entry.orderHash,
            kind: ORDER_KIND_NAMES[entry.kind],
            reason,
          });
        },
        updated(entry) {
          events.publish("order-updated", {
            orderHash: entry.orderHash,
            kind: ORDER_KIND_NAMES[entry.kind],
            remaining: entry.remaining.toString(),
          });
        },
        dealCreated(deal) {
          events.publish("deal-created", deal);
        },
        synced(block) {
          lastSynced = block;
          metrics.syncBlock.set(block);
        },
        failed() {
          metrics.syncErrors.inc();
        },
      },
    },
    init,
  );
  const verifyPool =
    (init.verifyThreads ?? 0) > 0 ? createSignatureVerifierPool(init.verifyThreads!) : undefined;
  const refusals =
    init.refusedPublishes === false
      ? undefined
      : createTokenBuckets(init.refusedPublishes ?? DEFAULT_REFUSED_PUBLISHES, () => clock.now());
  const httpDeps: MarketHttpDependencies = {
    publish: {
      store,
      chain,
      hasher,
      verifier: verifyPool ?? createSignatureVerifier(),
      clock,
      maxOpenOrdersPerWallet: init.maxOpenOrdersPerWallet ?? 1000,
    },
    match: { store, chain, client, hasher },
    matchOptions: { confirm: init.confirmBestMatch ?? true },
    events,
    metrics,
    logger,
    maxBodyBytes: init.maxBodyBytes ?? 65_536,
    refusals,
    onPublished(entry) {
      events.publish("order-published", entryToJson(entry));
    },
    health: () => ({ chainId: client.chainId.toString(), syncedBlock: lastSynced ?? null }),
  };
  const listener = createMarketListener(httpDeps, createMarketApp(httpDeps));
  let server: Server | undefined;
  let url = "";

  return {
    get url() {
      return url;
    },
    store,
    chain,
    sync,
    metrics,
    async start() {
      server = createServer(listener);
      server.keepAliveTimeout = 65_000;
      await new Promise<void>((resolve, reject) => {
        server!.once("error", reject);
        server!.listen(init.port ?? 13400, init.host ?? "127.0.0.1", () => resolve());
      });
      const address = server.address() as AddressInfo;
      url = `http://${address.address}:${address.port}`;
      if (init.watch ?? true) await sync.start();
      logger.info({ url }, "market listening");
    },
    async stop() {
      await sync.stop();
      events.close();
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server!.close(() => resolve()));
        server = undefined;
      }
      await verifyPool?.close();
      refusals?.stop();
      if (!components.store) store.close();
      logger.info("market stopped");
    },
  };
}
