import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** The scheduler's Prometheus metrics. */
export interface SchedulerMetrics {
  registry: Registry;
  tasks: Gauge<"state">;
  workers: Gauge;
  failures: Counter<"cause">;
  batches: Counter;
  gasUsed: Counter;
  chainSeconds: Histogram;
  taskSeconds: Histogram;
}

export function createSchedulerMetrics(): SchedulerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "polis_scheduler_" });
  return {
    registry,
    tasks: new Gauge({
      name: "polis_scheduler_tasks",
      help: "Tasks by state",
      labelNames: ["state"],
      registers: [registry],
    }),
    workers: new Gauge({
      name: "polis_scheduler_workers_alive",
      help: "Workers seen within 3 heartbeats",
      registers: [registry],
    }),
    failures: new Counter({
      name: "polis_scheduler_failures_total",
      help: "Failures by cause",
      labelNames: ["cause"],
      registers: [registry],
    }),
    batches: new Counter({
      name: "polis_scheduler_result_transactions_total",
      help: "Result transactions sent",
      registers: [registry],
    }),
    gasUsed: new Counter({
      name: "polis_scheduler_gas_used_total",
      help: "Gas used by the scheduler's transactions",
      registers: [registry],
    }),
    chainSeconds: new Histogram({
      name: "polis_scheduler_chain_seconds",
      help: "Time to mine a scheduler transaction",
      registers: [registry],
    }),
    taskSeconds: new Histogram({
      name: "polis_scheduler_task_seconds",
      help: "Assignment to on-chain completion",
      buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
  };
}
