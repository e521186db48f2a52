import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** The SMS's Prometheus metrics, on a registry of its own (several SMS may share a process). */
export interface SmsMetrics {
  registry: Registry;
  releases: Counter<"outcome" | "reason">;
  pushes: Counter<"outcome" | "reason" | "kind">;
  httpDuration: Histogram<"route" | "status">;
  rateLimited: Counter<"route">;
}

export function createSmsMetrics(options: { defaultMetrics?: boolean } = {}): SmsMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true)
    collectDefaultMetrics({ register: registry, prefix: "polis_sms_" });
  return {
    registry,
    releases: new Counter({
      name: "polis_sms_releases_total",
      help: "Key release decisions by outcome (granted, denied, failed) and reason",
      labelNames: ["outcome", "reason"],
      registers: [registry],
    }),
    pushes: new Counter({
      name: "polis_sms_pushes_total",
      help: "Secret pushes by outcome, reason and kind",
      labelNames: ["outcome", "reason", "kind"],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: "polis_sms_http_request_duration_seconds",
      help: "HTTP request duration by route and status",
      labelNames: ["route", "status"],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: "polis_sms_rate_limited_total",
      help: "Requests refused by the rate limiter",
      labelNames: ["route"],
      registers: [registry],
    }),
  };
}
