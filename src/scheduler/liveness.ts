import type { Logger } from "pino";
import type { SchedulerMetrics } from "./metrics.js";
import type { SchedulerStore } from "./store.js";

/**
 * Takes work back from workers that missed three heartbeats (counted from the scheduler's own
 * start, so a restart does not condemn every worker at once). A result already handed to the
 * scheduler is kept (it is in the push queue); everything else returns to the queue, and the
 * assigner gives it to another worker while the deadline allows.
 */
export function reclaimLostWork(
  store: SchedulerStore,
  heartbeatMs: number,
  nowMs: number,
  logger: Logger,
  metrics: SchedulerMetrics,
  /** When this scheduler started: a worker cannot have heartbeated while it was down. */
  startedAtMs = 0,
): number {
  let reclaimed = 0;
  let alive = 0;
  for (const w of store.workers()) {
    if (nowMs - Math.max(w.lastSeen, startedAtMs) <= 3 * heartbeatMs) {
      if (nowMs - w.lastSeen <= 3 * heartbeatMs) alive++;
      continue;
    }
    for (const a of store.activeAssignmentsOfWorker(w.address)) {
      if (a.phase === "submitted") continue;
      store.setAssignment(a.taskId, a.worker, { state: "lost" }, nowMs);
      store.requeueIfIdle(a.taskId, nowMs);
      reclaimed++;
      metrics.failures.inc({ cause: "worker-lost" });
      logger.warn(
        { worker: w.address, taskId: a.taskId, phase: a.phase },
        "worker lost; task reclaimed",
      );
    }
  }
  metrics.workers.set(alive);
  return reclaimed;
}
