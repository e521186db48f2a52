import { join } from "node:path";
import { Wallet, getAddress } from "ethers";
import type { Logger } from "pino";
import type { PolisClient } from "../sdk/client.js";
import {
  RpcChannels,
  RpcRemoteError,
  createP2PNode,
  peerTarget,
  type P2PNode,
} from "../p2p/index.js";
import {
  POOL_PROTOCOL,
  workTopic,
  type HeartbeatResponse,
  type HelloResponse,
  type WorkResponse,
  type WorkerInventory,
} from "../pool/protocol.js";
import type { TaskExecutor } from "./executor.js";
import { createWorkerMetrics, failureCause, type WorkerMetrics } from "./metrics.js";
import { serveMetrics, type MetricsServer } from "./metricsServer.js";
import { TxQueue } from "../pool/txQueue.js";
import { runPipeline } from "./pipeline.js";
import { WorkerStore, type LocalPhase } from "./store.js";
import { VerifiedDeals } from "./verify.js";

export interface WorkerComponents {
  /** A client whose signer is the worker's wallet (it contributes, reveals and may push results). */
  client: PolisClient;
  walletPrivateKey: string;
  executor: TaskExecutor;
  logger: Logger;
  /** Default: a fresh registry. */
  metrics?: WorkerMetrics;
}

export interface WorkerInit {
  /** The scheduler's libp2p address (with /p2p/<peer id>). */
  scheduler: string;
  /**
   * Looks the scheduler's address up again (e.g. from its announcement file) after a failed
   * call, in case it restarted on another port. Default: keep `scheduler`.
   */
  rediscoverScheduler?: () => string | undefined;
  /** The scheduler's wallet address (the only peer this worker talks to). */
  schedulerAddress: string;
  dataDir: string;
  inventory: WorkerInventory;
  /** Chain polling while waiting for consensus or completion (default 500 ms). */
  pollMs?: number;
  /** Time given to running tasks on stop before they are handed back (default 10 s). */
  stopGraceMs?: number;
  /** Prometheus endpoint: port (0 = any free port) and host (default 127.0.0.1). Default: none. */
  metricsPort?: number;
  metricsHost?: string;
  /** Crash-test hook, called before each pipeline phase. */
  beforePhase?: (phase: string, taskId: string) => Promise<void> | void;
}

export interface PoolWorker {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly address: string;
  /** Tasks running now (including those waiting for the chain). */
  running(): number;
  /** The metrics endpoint (undefined when not served). */
  metricsUrl(): string | undefined;
  readonly metrics: WorkerMetrics;
}

/** Phases in which a task holds nothing on-chain yet: it can be handed back or abandoned. */
const UNCOMMITTED: readonly LocalPhase[] = ["assigned", "computed", "uploaded"];

/**
 * A pool worker: joins its scheduler over libp2p (its wallet is its identity), heartbeats,
 * pulls work when it has free slots (and as soon as the scheduler announces some), runs each task
 * through the journaled pipeline, and resumes unfinished tasks after a restart. A task only holds
 * a slot until its result is handed in or contributed; waiting for the chain is free.
 */
export function createWorker(components: WorkerComponents, init: WorkerInit): PoolWorker {
  const { client, logger } = components;
  const metrics = components.metrics ?? createWorkerMetrics();
  const address = new Wallet(components.walletPrivateKey).address;
  const schedulerAddress = getAddress(init.schedulerAddress);
  const store = new WorkerStore(join(init.dataDir, "worker.sqlite"));
  const active = new Map<string, AbortController>();
  /** Tasks that still need a compute slot (not yet handed in or contributed). */
  const busy = new Set<string>();
  const txs = new TxQueue();
  const verifiedDeals = new VerifiedDeals();
  let schedulerAddr = init.scheduler;
  let scheduler = peerTarget(schedulerAddr);
  let node: P2PNode | undefined;
  /** One long-lived stream to the scheduler carries every request (p2p/rpcChannel.ts). */
  let channels: RpcChannels | undefined;
  let pool: HelloResponse | undefined;
  let metricsServer: MetricsServer | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let stopping = false;
  let fetching = false;
  let disconnected = false;

  async function call<T>(request: unknown): Promise<T> {
    try {
      if (scheduler.address !== schedulerAddr) scheduler = peerTarget(schedulerAddr);
      return await channels!.call<T>(scheduler.dialable(node!), POOL_PROTOCOL, request, {
        timeoutMs: 15_000,
        key: schedulerAddr,
      });
    } catch (err) {
      if (!(err instanceof RpcRemoteError)) {
        const again = init.rediscoverScheduler?.();
        if (again && again !== schedulerAddr) {
          logger.info({ scheduler: again }, "scheduler moved; dialing its new address");
          schedulerAddr = again;
        }
      }
      throw err;
    }
  }

  function launch(taskId: string): void {
    if (active.has(taskId)) return;
    const controller = new AbortController();
    const started = performance.now();
    active.set(taskId, controller);
    busy.add(taskId);
    metrics.running.set(active.size);
    let outcome: "done" | "failed" | "abandoned" = "done";
    runPipeline(
      {
        client,
        store,
        executor: components.executor,
        worker: address,
        pool: () => pool!,
        call,
        logger,
        pollMs: init.pollMs ?? 500,
        verifiedDeals,
        beforePhase: init.beforePhase,
        metrics,
        txs,
        onWaiting: () => {
          busy.delete(taskId);
          void fetchWork();
        },
      },
      taskId,
      controller.signal,
    )
      .catch((err) => {
        if (controller.signal.aborted) return;
        outcome = "failed";
        metrics.failures.inc({ cause: failureCause(err) });
        logger.error({ taskId, err: (err as Error).message }, "task failed");
        store.update(taskId, { phase: "abandoned" });
        void call({
          type: "progress",
          taskId,
          phase: "failed",
          error: (err as Error).message,
        }).catch(() => undefined);
      })
      .finally(() => {
        if (outcome !== "failed") outcome = finalPhase(taskId) === "done" ? "done" : "abandoned";
        metrics.taskSeconds.observe({ outcome }, (performance.now() - started) / 1000);
        active.delete(taskId);
        busy.delete(taskId);
        metrics.running.set(active.size);
        void fetchWork();
      });
  }

  /** Where a task ended in the journal (undefined once the journal is closed, at stop). */
  function finalPhase(taskId: string): LocalPhase | undefined {
    try {
      return store.get(taskId)?.phase;
    } catch {
      return undefined;
    }
  }

  async function fetchWork(): Promise<void> {
    if (stopping || fetching || !pool) return;
    const slots = init.inventory.capacity - busy.size;
    if (slots <= 0) return;
    fetching = true;
    try {
      const { assignments } = await call<WorkResponse>({ type: "work", slots });
      for (const a of assignments) {
        store.add(a);
        launch(a.taskId);
      }
    } catch (err) {
      logger.debug({ err: (err as Error).message }, "work request failed");
    } finally {
      fetching = false;
    }
  }

  /** One heartbeat: reports the journal, applies what the scheduler says. */
  async function beat(): Promise<boolean> {
    try {
      const tasks = store
        .unfinished()
        .map((t) => ({ taskId: t.taskId, phase: toWirePhase(t.phase) }));
      const reply = await call<HeartbeatResponse>({
        type: "heartbeat",
        running: busy.size,
        tasks,
      });
      if (disconnected) {
        // The scheduler may have restarted with other settings: refresh them.
        disconnected = false;
        pool = await call<HelloResponse>({ type: "hello", inventory: init.inventory });
        logger.info("reconnected to the scheduler");
      }
      for (const taskId of reply.done ?? []) {
        const local = store.get(taskId);
        if (!local || local.phase === "done" || local.phase === "abandoned") continue;
        store.update(taskId, { phase: UNCOMMITTED.includes(local.phase) ? "abandoned" : "done" });
        active.get(taskId)?.abort();
      }
      for (const taskId of reply.cancel) {
        const local = store.get(taskId);
        // Never abandon work already proven on-chain or handed in.
        if (local && UNCOMMITTED.includes(local.phase)) {
          active.get(taskId)?.abort();
          store.update(taskId, { phase: "abandoned" });
          logger.info({ taskId }, "scheduler took the task back");
        }
      }
      return true;
    } catch (err) {
      if (!disconnected) logger.warn({ err: (err as Error).message }, "heartbeat failed");
      disconnected = true;
      return false;
    }
  }

  async function heartbeat(): Promise<void> {
    await beat();
    await fetchWork();
  }

  /** Says hello until the scheduler answers (it may be restarting) or the worker stops. */
  async function joinPool(): Promise<HelloResponse | undefined> {
    for (let attempt = 0; !stopping; attempt++) {
      try {
        return await call<HelloResponse>({ type: "hello", inventory: init.inventory });
      } catch (err) {
        if (err instanceof RpcRemoteError) throw err;
        if (attempt % 10 === 0)
          logger.warn({ err: (err as Error).message }, "scheduler unreachable; retrying");
        await new Promise((r) => setTimeout(r, Math.min(2_000, 200 * (attempt + 1))));
      }
    }
    return undefined;
  }

  function countTasks(): void {
    metrics.tasks.reset();
    for (const [state, n] of Object.entries(store.countByPhase())) metrics.tasks.set({ state }, n);
  }

  return {
    address,
    metrics,
    running: () => active.size,
    metricsUrl: () => metricsServer?.url,
    async start() {
      stopping = false;
      if (init.metricsPort !== undefined) {
        metricsServer = await serveMetrics(metrics.registry, {
          host: init.metricsHost,
          port: init.metricsPort,
          beforeScrape: countTasks,
        });
      }
      node = await createP2PNode({
        walletPrivateKey: components.walletPrivateKey,
        isAllowed: (peer) => peer === schedulerAddress,
      });
      await node.start();
      channels = new RpcChannels(node);
      pool = await joinPool();
      if (!pool) return;
      node.services.pubsub.subscribe(workTopic(pool.pool));
      node.services.pubsub.addEventListener("message", () => void fetchWork());
      // Learn what the scheduler took back while this worker was away before resuming anything.
      await beat();
      for (const t of store.unfinished()) {
        logger.info({ taskId: t.taskId, phase: t.phase }, "resuming task");
        launch(t.taskId);
      }
      heartbeatTimer = setInterval(() => void heartbeat(), pool.heartbeatMs);
      await fetchWork();
      logger.info(
        { worker: address, pool: pool.pool, metrics: metricsServer?.url },
        "worker started",
      );
    },
    async stop() {
      stopping = true;
      // Keep heartbeating while draining, or the scheduler would take the work back meanwhile.
      const deadline = Date.now() + (init.stopGraceMs ?? 10_000);
      while (busy.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (heartbeatTimer) clearInterval(heartbeatTimer);
      // Hand back what has not reached the chain; work already contributed or handed in stays in
      // the journal and resumes after a restart.
      const handBack = [...active.keys()].filter((id) => {
        const local = store.get(id);
        return local !== undefined && UNCOMMITTED.includes(local.phase);
      });
      for (const c of active.values()) c.abort();
      if (handBack.length > 0) {
        for (const id of handBack) store.update(id, { phase: "abandoned" });
        await call({ type: "release", taskIds: handBack }).catch(() => undefined);
        logger.info({ tasks: handBack }, "handed unfinished tasks back");
      }
      channels?.close();
      await node?.stop();
      await metricsServer?.close();
      store.close();
      logger.info({ worker: address }, "worker stopped");
    },
  };
}

function toWirePhase(phase: string) {
  switch (phase) {
    case "assigned":
      return "started" as const;
    case "computed":
    case "uploaded":
    case "contributed":
    case "submitted":
    case "revealed":
      return phase;
    default:
      return "failed" as const;
  }
}
