import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** The worker's Prometheus metrics. */
export interface WorkerMetrics {
  registry: Registry;
  /** Tasks in the worker's journal by local phase (assigned, computed, ..., done, abandoned). */
  tasks: Gauge<"state">;
  /** Tasks running now. */
  running: Gauge;
  /** Assignment to the end of the pipeline, by outcome (done, failed, abandoned). */
  taskSeconds: Histogram<"outcome">;
  /**
   * Time spent per pipeline phase: verify, compute, upload, submit, contribute, reveal; and
   * inside the enclave host: enclave_setup, enclave_session (attestation + SMS release),
   * enclave_precompute, enclave_compute, enclave_postcompute.
   */
  phaseSeconds: Histogram<"phase">;
  /** Task failures by cause (an enclave failure reason, a refusal, a network error...). */
  failures: Counter<"cause">;
}

/** Creates the worker's registry (process metrics prefixed `polis_worker_`). */
export function createWorkerMetrics(): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "polis_worker_" });
  return {
    registry,
    tasks: new Gauge({
      name: "polis_worker_tasks",
      help: "Tasks in the worker's journal by state",
      labelNames: ["state"],
      registers: [registry],
    }),
    running: new Gauge({
      name: "polis_worker_running_tasks",
      help: "Tasks running now",
      registers: [registry],
    }),
    taskSeconds: new Histogram({
      name: "polis_worker_task_seconds",
      help: "Assignment to the end of the task pipeline, by outcome",
      labelNames: ["outcome"],
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    phaseSeconds: new Histogram({
      name: "polis_worker_phase_seconds",
      help: "Time spent per task phase",
      labelNames: ["phase"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    }),
    failures: new Counter({
      name: "polis_worker_failures_total",
      help: "Task failures by cause",
      labelNames: ["cause"],
      registers: [registry],
    }),
  };
}

/** A bounded metric label for an error: an enclave failure reason, else the error's name. */
export function failureCause(err: unknown): string {
  const e = err as { reason?: unknown; name?: unknown };
  if (typeof e?.reason === "string" && /^[A-Za-z]{1,40}$/.test(e.reason)) return e.reason;
  if (typeof e?.name === "string" && /^[A-Za-z]{1,40}$/.test(e.name)) return e.name;
  return "Error";
}
