import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Prometheus metrics of the auditor, in a registry of its own. */
export interface AuditorMetrics {
  registry: Registry;
  httpRequests: Counter<"method" | "route" | "status">;
  httpDuration: Histogram<"route">;
  indexedBlock: Gauge;
  indexedEvents: Counter;
  indexErrors: Counter;
  verifyDuration: Histogram<"ok">;
}

/** Creates the auditor's metrics; `defaults` adds Node.js process metrics. */
export function createAuditorMetrics(defaults = true): AuditorMetrics {
  const registry = new Registry();
  if (defaults) collectDefaultMetrics({ register: registry, prefix: "auditor_" });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: "auditor_http_requests_total",
      help: "HTTP requests by method, route and status",
      labelNames: ["method", "route", "status"],
      registers,
    }),
    httpDuration: new Histogram({
      name: "auditor_http_request_duration_seconds",
      help: "HTTP request duration",
      labelNames: ["route"],
      registers,
    }),
    indexedBlock: new Gauge({
      name: "auditor_indexed_block",
      help: "Last indexed block",
      registers,
    }),
    indexedEvents: new Counter({
      name: "auditor_indexed_events_total",
      help: "Events indexed",
      registers,
    }),
    indexErrors: new Counter({
      name: "auditor_index_errors_total",
      help: "Indexing rounds that failed",
      registers,
    }),
    verifyDuration: new Histogram({
      name: "auditor_verify_duration_seconds",
      help: "Task evidence verification time",
      labelNames: ["ok"],
      registers,
    }),
  };
}
