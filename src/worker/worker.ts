import { join } from "node:path";
import { multiaddr } from "@multiformats/multiaddr";
import { Wallet, getAddress } from "ethers";
import type { Logger } from "pino";
import type { PolisClient } from "../sdk/client.js";
import { callRpc, createP2PNode, type P2PNode } from "../p2p/index.js";
import {
  POOL_PROTOCOL,
  workTopic,
  type HeartbeatResponse,
  type HelloResponse,
  type WorkResponse,
  type WorkerInventory,
} from "../pool/protocol.js";
import type { TaskExecutor } from "./executor.js";
import { runPipeline } from "./pipeline.js";
import { WorkerStore } from "./store.js";

export interface WorkerComponents {
  /** A client whose signer is the worker's wallet (it contributes, reveals and may push results). */
  client: PolisClient;
  walletPrivateKey: string;
  executor: TaskExecutor;
  logger: Logger;
}

export interface WorkerInit {
  /** The scheduler's libp2p address (with /p2p/<peer id>). */
  scheduler: string;
  /** The scheduler's wallet address (the only peer this worker talks to). */
  schedulerAddress: string;
  dataDir: string;
  inventory: WorkerInventory;
  /** Chain polling while waiting for consensus or completion (default 500 ms). */
  pollMs?: number;
  /** Time given to running tasks on stop before they are handed back (default 10 s). */
  stopGraceMs?: number;
  /** Crash-test hook, called before each pipeline phase. */
  beforePhase?: (phase: string, taskId: string) => Promise<void> | void;
}

export interface PoolWorker {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly address: string;
  /** Tasks running now. */
  running(): number;
}

/**
 * A pool worker: joins its scheduler over libp2p (its wallet is its identity), heartbeats,
 * pulls work when it has free slots (and as soon as the scheduler announces some), runs each task
 * through the journaled pipeline, and resumes unfinished tasks after a restart.
 */
export function createWorker(components: WorkerComponents, init: WorkerInit): PoolWorker {
  const { client, logger } = components;
  const address = new Wallet(components.walletPrivateKey).address;
  const schedulerAddress = getAddress(init.schedulerAddress);
  const store = new WorkerStore(join(init.dataDir, "worker.sqlite"));
  const active = new Map<string, AbortController>();
  let node: P2PNode | undefined;
  let pool: HelloResponse | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let stopping = false;
  let fetching = false;

  const call = <T>(request: unknown) =>
    callRpc<T>(node!, multiaddr(init.scheduler), POOL_PROTOCOL, request, { timeoutMs: 15_000 });

  function launch(taskId: string): void {
    if (active.has(taskId)) return;
    const controller = new AbortController();
    active.set(taskId, controller);
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
        beforePhase: init.beforePhase,
      },
      taskId,
      controller.signal,
    )
      .catch((err) => {
        if (controller.signal.aborted) return;
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
        active.delete(taskId);
        void fetchWork();
      });
  }

  async function fetchWork(): Promise<void> {
    if (stopping || fetching || !pool) return;
    const slots = init.inventory.capacity - active.size;
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

  async function heartbeat(): Promise<void> {
    try {
      const tasks = store
        .unfinished()
        .map((t) => ({ taskId: t.taskId, phase: toWirePhase(t.phase) }));
      const { cancel } = await call<HeartbeatResponse>({
        type: "heartbeat",
        running: active.size,
        tasks,
      });
      for (const taskId of cancel) {
        const local = store.get(taskId);
        // Never abandon work already proven on-chain or handed in.
        if (local && ["assigned", "computed", "uploaded"].includes(local.phase)) {
          active.get(taskId)?.abort();
          store.update(taskId, { phase: "abandoned" });
          logger.info({ taskId }, "scheduler took the task back");
        }
      }
    } catch (err) {
      logger.warn({ err: (err as Error).message }, "heartbeat failed");
    }
    await fetchWork();
  }

  return {
    address,
    running: () => active.size,
    async start() {
      stopping = false;
      node = await createP2PNode({
        walletPrivateKey: components.walletPrivateKey,
        isAllowed: (peer) => peer === schedulerAddress,
      });
      await node.start();
      pool = await call<HelloResponse>({ type: "hello", inventory: init.inventory });
      node.services.pubsub.subscribe(workTopic(pool.pool));
      node.services.pubsub.addEventListener("message", () => void fetchWork());
      for (const t of store.unfinished()) {
        logger.info({ taskId: t.taskId, phase: t.phase }, "resuming task");
        launch(t.taskId);
      }
      heartbeatTimer = setInterval(() => void heartbeat(), pool.heartbeatMs);
      await heartbeat();
      logger.info({ worker: address, pool: pool.pool }, "worker started");
    },
    async stop() {
      stopping = true;
      if (heartbeatTimer) clearInterval(heartbeatTimer);
      const deadline = Date.now() + (init.stopGraceMs ?? 10_000);
      while (active.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      // Hand back what could not finish; the scheduler gives it to someone else.
      const unfinished = [...active.keys()];
      for (const c of active.values()) c.abort();
      if (unfinished.length > 0) {
        await call({ type: "release", taskIds: unfinished }).catch(() => undefined);
        for (const id of unfinished) {
          const local = store.get(id);
          if (local && ["assigned", "computed", "uploaded"].includes(local.phase))
            store.update(id, { phase: "abandoned" });
        }
      }
      await node?.stop();
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
