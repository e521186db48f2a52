import express, { type Express } from "express";
import type { Logger } from "pino";
import type { SchedulerMetrics } from "./metrics.js";
import type { SchedulerStore } from "./store.js";
import { resultRoutes, type ResultStore } from "../results/index.js";

export interface ApiInit {
  pool: string;
  scheduler: string;
  chainId: string;
  publicUrl: string;
  heartbeatMs: number;
  isWorker: (address: string) => boolean;
}

/**
 * The pool's public HTTP API: pool info and inventory (what requesters look at to choose a pool),
 * deals and tasks as the scheduler sees them, the result store, metrics and health.
 */
export function createSchedulerApi(
  store: SchedulerStore,
  results: ResultStore,
  metrics: SchedulerMetrics,
  init: ApiInit,
  logger: Logger,
): Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(resultRoutes(results, { isUploader: init.isWorker, publicUrl: init.publicUrl }, logger));

  app.get("/v1/pool", (_req, res) => {
    const now = Date.now();
    const workers = store.workers().map((w) => ({
      address: w.address,
      alive: now - w.lastSeen <= 3 * init.heartbeatMs,
      lastSeen: new Date(w.lastSeen).toISOString(),
      running: w.running,
      ...(w.inventory ?? {}),
    }));
    res.json({
      pool: init.pool,
      scheduler: init.scheduler,
      chainId: init.chainId,
      resultStore: init.publicUrl,
      tasks: store.countTasks(),
      capacity: workers.filter((w) => w.alive).reduce((s, w) => s + (w.capacity ?? 0), 0),
      workers,
    });
  });

  app.get("/v1/deals", (_req, res) => {
    res.json({
      deals: store.deals().map((d) => ({
        dealId: d.dealId,
        tee: d.tee,
        trust: d.trust,
        block: d.block,
        tasks: store.tasksOfDeal(d.dealId).map(taskJson),
      })),
    });
  });

  app.get("/v1/deals/:dealId", (req, res) => {
    const d = store.deal(String(req.params.dealId));
    if (!d) return void res.status(404).json({ error: "This pool has no such deal." });
    res.json({ ...d, tasks: store.tasksOfDeal(d.dealId).map(taskJson) });
  });

  app.get("/v1/tasks/:taskId", (req, res) => {
    const t = store.task(String(req.params.taskId));
    if (!t) return void res.status(404).json({ error: "This pool has no such task." });
    res.json({
      ...taskJson(t),
      assignments: store.assignmentsOf(t.taskId).map((a) => ({
        worker: a.worker,
        state: a.state,
        phase: a.phase,
        enclave: a.enclave,
        resultUrl: a.resultUrl,
        assignedAt: new Date(a.assignedAt).toISOString(),
      })),
    });
  });

  app.get("/metrics", async (_req, res) => {
    for (const [state, n] of Object.entries(store.countTasks())) metrics.tasks.set({ state }, n);
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.get("/healthz", (_req, res) => void res.json({ ok: true }));
  return app;
}

function taskJson(t: ReturnType<SchedulerStore["task"]> & object) {
  return {
    taskId: t.taskId,
    dealId: t.dealId,
    index: t.index,
    state: t.state,
    chainStatus: t.chainStatus,
    resultUrl: t.resultUrl,
  };
}
