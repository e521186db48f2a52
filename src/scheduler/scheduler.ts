import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { getAddress, Wallet } from "ethers";
import type { Logger } from "pino";
import type { PolisClient } from "../sdk/client.js";
import { createP2PNode, dialAddressOf, handleRpc, type P2PNode } from "../p2p/index.js";
import { POOL_PROTOCOL, workTopic, type HelloResponse } from "../pool/protocol.js";
import { ResultStore } from "../results/store.js";
import { createSchedulerApi } from "./api.js";
import { Assigner } from "./assigner.js";
import { ResultBatcher } from "./batcher.js";
import { ChainSync } from "./chainSync.js";
import { Finalizer } from "./finalizer.js";
import { createResultDryRun } from "./dryRun.js";
import { createPoolHandler } from "./handlers.js";
import { reclaimLostWork } from "./liveness.js";
import { createSchedulerMetrics, type SchedulerMetrics } from "./metrics.js";
import { SchedulerStore } from "./store.js";
import { TxQueue } from "../pool/txQueue.js";

export interface SchedulerComponents {
  /** A client whose signer is the scheduler key (the pool owner or its delegated scheduler). */
  client: PolisClient;
  /** The scheduler key; also its libp2p identity. */
  walletPrivateKey: string;
  logger: Logger;
}

export interface SchedulerInit {
  pool: string;
  /** Directory for the SQLite state and the result store. */
  dataDir: string;
  /** Wallets allowed to join the pool as workers. */
  workers: readonly string[];
  /** HTTP API (inventory + result store). Default 127.0.0.1:13600. */
  apiHost?: string;
  apiPort?: number;
  /** URL results are published under (default http://<apiHost>:<apiPort>). */
  publicUrl?: string;
  /** libp2p listen addresses (default: the port used last time, else an OS-assigned one, on
   * 127.0.0.1). */
  p2pListen?: string[];
  /** Worker heartbeat period (default 2 s); 3 missed heartbeats = lost. */
  heartbeatMs?: number;
  /** Chain polling period (default 500 ms). */
  pollMs?: number;
  /** Blocks to wait before acting on a deal (default 0: dev chains). */
  confirmations?: number;
  startBlock?: number;
  /** Fast-path batching: results per transaction (default 50) and max wait (default 300 ms). */
  maxBatch?: number;
  flushMs?: number;
  /** Tasks closer than this to their contribution deadline are not handed out (default 30 s). */
  deadlineMarginSeconds?: number;
}

export interface Scheduler {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly store: SchedulerStore;
  readonly metrics: SchedulerMetrics;
  /** Multiaddr workers dial (with the peer id). */
  dialAddress(): string;
  apiUrl(): string;
  /** Runs one pass of every loop now (tests and shutdown). */
  tick(): Promise<void>;
  allowWorker(address: string): void;
}

/**
 * The pool's brain: finds the pool's deals on-chain, hands tasks to registered workers over
 * libp2p, vouches for their enclaves, batches fast-path results on-chain, finalizes replicated
 * tasks and takes work back from lost workers. It never claims: it only makes sure tasks end
 * COMPLETED, or are left to expire and be refunded.
 */
export function createScheduler(components: SchedulerComponents, init: SchedulerInit): Scheduler {
  const { client, logger } = components;
  const signer = client.signer;
  if (!signer) throw new Error("the scheduler client needs a signer");
  const schedulerAddress = new Wallet(components.walletPrivateKey).address;
  const heartbeatMs = init.heartbeatMs ?? 2_000;
  const pollMs = init.pollMs ?? 500;
  const allowed = new Set(init.workers.map((w) => getAddress(w)));
  const store = new SchedulerStore(join(init.dataDir, "scheduler.sqlite"));
  const results = new ResultStore(join(init.dataDir, "results"));
  const metrics = createSchedulerMetrics();
  const txs = new TxQueue();
  const sync = new ChainSync(
    client,
    store,
    {
      pool: init.pool,
      scheduler: schedulerAddress,
      confirmations: init.confirmations ?? 0,
      startBlock: init.startBlock ?? client.deployment.startBlock,
    },
    logger,
  );
  const assigner = new Assigner(store, signer, client.taskDomain, {
    deadlineMarginSeconds: init.deadlineMarginSeconds ?? 30,
    liveWindowMs: 3 * heartbeatMs,
  });
  const batcher = new ResultBatcher(
    client,
    store,
    txs,
    { maxBatch: init.maxBatch ?? 50, flushMs: init.flushMs ?? 300 },
    logger,
    metrics,
  );
  const finalizer = new Finalizer(client, store, txs, logger, metrics);

  let node: P2PNode | undefined;
  let server: Server | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  let publicUrl = init.publicUrl ?? "";
  let startedAt = 0;
  let flushTimer: NodeJS.Timeout | undefined;
  let announcedAt = 0;
  const inFlight = new Set<Promise<unknown>>();
  const flushMs = init.flushMs ?? 300;

  /** A result was handed in: push now if its deal is complete, else once its batch is due. */
  function resultQueued(): void {
    if (stopped) return;
    void batcher.flush(Date.now()).catch(() => undefined);
    if (!flushTimer)
      flushTimer = setTimeout(() => {
        flushTimer = undefined;
        if (!stopped) void batcher.flush(Date.now()).catch(() => undefined);
      }, flushMs);
  }

  async function chainNow(): Promise<bigint> {
    const block = await client.provider.getBlock("latest");
    return BigInt(block?.timestamp ?? Math.floor(Date.now() / 1000));
  }

  async function announce(): Promise<void> {
    if (!node) return;
    try {
      await node.services.pubsub.publish(
        workTopic(init.pool),
        Buffer.from(JSON.stringify({ type: "work" })),
      );
    } catch (err) {
      logger.debug({ err: (err as Error).message }, "announce failed");
    }
  }

  async function tick(): Promise<void> {
    const nowMs = Date.now();
    try {
      const head = await client.provider.getBlockNumber();
      const added = await sync.scanDeals(nowMs, head);
      await sync.syncTasks(nowMs, head);
      await batcher.flush(nowMs);
      await finalizer.tick(await chainNow(), nowMs);
      reclaimLostWork(store, heartbeatMs, nowMs, logger, metrics, startedAt);
      // New deals are announced at once; work still pending, once per heartbeat period (workers
      // ask for more whenever a slot frees and at every heartbeat anyway).
      const waiting = store.tasksByState("pending", 1).length > 0;
      if (added.length > 0 || (waiting && nowMs - announcedAt >= heartbeatMs)) {
        announcedAt = nowMs;
        await announce();
      }
    } catch (err) {
      metrics.failures.inc({ cause: "rpc" });
      logger.warn({ err: (err as Error).message }, "scheduler pass failed; retrying next tick");
    }
  }

  function loop(): void {
    if (stopped) return;
    running = tick().finally(() => {
      running = undefined;
      if (!stopped) timer = setTimeout(loop, pollMs);
    });
  }

  return {
    store,
    metrics,
    tick,
    allowWorker: (address) => void allowed.add(getAddress(address)),
    dialAddress: () => dialAddressOf(node!).toString(),
    apiUrl: () => publicUrl,
    async start() {
      startedAt = Date.now();
      const apiHost = init.apiHost ?? "127.0.0.1";
      // Port 0 picks a free port once, then keeps it across restarts: result URLs are on-chain.
      const listen = (port: number) =>
        new Promise<Server>((resolve, reject) => {
          const srv = createServer();
          srv.once("error", reject);
          srv.listen(port, apiHost, () => resolve(srv));
        });
      const savedApiPort = Number(store.getMeta("apiPort") ?? 0);
      const wanted = init.apiPort ?? 13600;
      server =
        wanted === 0 && savedApiPort > 0
          ? await listen(savedApiPort).catch(() => listen(0))
          : await listen(wanted);
      const port = (server.address() as AddressInfo).port;
      if (wanted === 0) store.setMeta("apiPort", String(port));
      publicUrl = init.publicUrl ?? `http://${apiHost}:${port}`;
      const hello: HelloResponse = {
        pool: init.pool,
        scheduler: schedulerAddress,
        chainId: client.chainId.toString(),
        hub: client.deployment.hub,
        taskManager: client.deployment.taskManager,
        resultStoreUrl: publicUrl,
        heartbeatMs,
      };
      const api = createSchedulerApi(
        store,
        results,
        metrics,
        {
          pool: init.pool,
          scheduler: schedulerAddress,
          chainId: hello.chainId,
          publicUrl,
          heartbeatMs,
          isWorker: (a) => allowed.has(getAddress(a)),
        },
        logger,
      );
      server.on("request", api);

      // Reuse the previous port after a restart so workers keep dialing the same address.
      const savedPort = store.getMeta("p2pPort");
      const startNode = async (listen: string[]) => {
        const n = await createP2PNode({
          walletPrivateKey: components.walletPrivateKey,
          listen,
          isAllowed: (address) => allowed.has(address),
        });
        await n.start();
        return n;
      };
      node = await startNode(init.p2pListen ?? [`/ip4/127.0.0.1/tcp/${savedPort ?? 0}`]).catch(() =>
        startNode(["/ip4/127.0.0.1/tcp/0"]),
      );
      const p2pPort = dialAddressOf(node)
        .toString()
        .match(/\/tcp\/(\d+)/)?.[1];
      if (p2pPort) store.setMeta("p2pPort", p2pPort);
      node.services.pubsub.subscribe(workTopic(init.pool));
      const handler = createPoolHandler({
        store,
        assigner,
        client,
        scheduler: signer,
        taskDomain: client.taskDomain,
        dryRun: createResultDryRun(client.taskManager, client.provider, schedulerAddress),
        hello,
        chainNow,
        logger,
        metrics,
        onResultQueued: resultQueued,
        onRequeued: () => void announce(),
      });
      await handleRpc(
        node,
        POOL_PROTOCOL,
        (request, ctx) => {
          // Tracked, so stop() lets a request that already passed its checks finish writing.
          const p = handler(request, ctx);
          inFlight.add(p);
          return p.finally(() => inFlight.delete(p));
        },
        {
          onRefused: (reason, ctx) =>
            logger.warn({ reason, peer: ctx?.address }, "pool request refused"),
        },
      );
      logger.info(
        { pool: init.pool, api: publicUrl, p2p: dialAddressOf(node).toString() },
        "scheduler started",
      );
      stopped = false;
      loop();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (flushTimer) clearTimeout(flushTimer);
      await running;
      // No new requests, then let the ones in progress finish (they may queue a result).
      await node?.stop();
      await Promise.allSettled([...inFlight]);
      // Push what workers already handed in, so no finished work waits for the next start.
      await batcher
        .flush(Date.now(), true)
        .catch((err) => logger.warn({ err: (err as Error).message }, "final flush failed"));
      await new Promise<void>((resolve) => {
        if (!server) return resolve();
        server.closeAllConnections();
        server.close(() => resolve());
      });
      store.close();
      results.close();
      logger.info("scheduler stopped");
    },
  };
}
