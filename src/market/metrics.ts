import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** The market's Prometheus metrics, in a registry of its own (several markets may share a process). */
export interface MarketMetrics {
  registry: Registry;
  httpRequests: Counter<"method" | "route" | "status">;
  httpDuration: Histogram<"route">;
  published: Counter<"kind">;
  refused: Counter<"reason">;
  removed: Counter<"reason">;
  openOrders: Gauge<"kind">;
  bestMatchDuration: Histogram;
  syncBlock: Gauge;
  syncErrors: Counter;
  sseClients: Gauge;
}

/** @param openCount Read at scrape time for the `market_open_orders` gauge. */
export function createMarketMetrics(
  openCount: () => Record<string, number>,
  sseClients: () => number,
  defaults = true,
): MarketMetrics {
  const registry = new Registry();
  if (defaults) collectDefaultMetrics({ register: registry, prefix: "market_" });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: "market_http_requests_total",
      help: "HTTP requests by method, route and status",
      labelNames: ["method", "route", "status"],
      registers,
    }),
    httpDuration: new Histogram({
      name: "market_http_request_duration_seconds",
      help: "HTTP request duration",
      labelNames: ["route"],
      buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    }),
    published: new Counter({
      name: "market_orders_published_total",
      help: "Orders accepted into the book",
      labelNames: ["kind"],
      registers,
    }),
    refused: new Counter({
      name: "market_orders_refused_total",
      help: "Publishes refused, by error name",
      labelNames: ["reason"],
      registers,
    }),
    removed: new Counter({
      name: "market_orders_removed_total",
      help: "Orders removed from the book, by reason",
      labelNames: ["reason"],
      registers,
    }),
    openOrders: new Gauge({
      name: "market_open_orders",
      help: "Open orders in the book",
      labelNames: ["kind"],
      registers,
      collect() {
        for (const [kind, n] of Object.entries(openCount())) this.set({ kind }, n);
      },
    }),
    bestMatchDuration: new Histogram({
      name: "market_best_match_duration_seconds",
      help: "Best-match latency (including the estimateMatch call)",
      buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1],
      registers,
    }),
    syncBlock: new Gauge({
      name: "market_sync_block",
      help: "Last block applied by the chain sync watcher",
      registers,
    }),
    syncErrors: new Counter({
      name: "market_sync_errors_total",
      help: "Chain sync rounds that failed (retried)",
      registers,
    }),
    sseClients: new Gauge({
      name: "market_sse_clients",
      help: "Connected server-sent-event clients",
      registers,
      collect() {
        this.set(sseClients());
      },
    }),
  };
}
