import express from "express";
import type { Socket } from "node:net";
import type { ErrorRequestHandler, Express, NextFunction, Request, Response } from "express";
import { BaseError, ORDER_KIND_NAMES, orderKindFromName, orderToJson } from "../core/index.js";
import { findBestMatch } from "./bestMatch.js";
import type { BestMatchDependencies, BestMatchOptions } from "./bestMatch.js";
import type { TokenBuckets } from "../core/tokenBuckets.js";
import {
  BodyTooLargeError,
  NotFoundError,
  PublishThrottledError,
  RequestInvalidError,
  statusOf,
} from "./errors.js";
import type { EventHub } from "./eventHub.js";
import type { MarketMetrics } from "./metrics.js";
import { publishOrder } from "./publish.js";
import type { PublishDependencies } from "./publish.js";
import { filterOf, parseOrderQuery } from "./queryFilters.js";
import type { BookEntry, BookEntryJson, Logger } from "./types.js";

/** Everything the market's HTTP routes use. */
export interface MarketHttpDependencies {
  publish: PublishDependencies;
  match: BestMatchDependencies;
  matchOptions: BestMatchOptions;
  events: EventHub;
  metrics: MarketMetrics;
  logger: Logger;
  maxBodyBytes: number;
  /**
   * Refused publishes allowed per client address (a bucket each refusal drains; absent: no
   * limit). Checking a bad order costs a signature recovery or a chain read, so a client that
   * keeps sending them is slowed down; clients whose orders pass are never limited.
   */
  refusals?: TokenBuckets;
  /** Called after an order enters the book. */
  onPublished(entry: BookEntry): void;
  health(): Record<string, unknown>;
}

/** JSON form of a book entry. */
export function entryToJson(entry: BookEntry): BookEntryJson {
  return {
    orderHash: entry.orderHash,
    kind: ORDER_KIND_NAMES[entry.kind],
    order: orderToJson(entry.kind, entry.order),
    remaining: entry.remaining.toString(),
    publishedAt: new Date(entry.publishedAt).toISOString(),
    signer: entry.signer,
  };
}

/** Builds the express app of the market (routes in the order of src/market/openapi.yaml). */
export function createMarketApp(deps: MarketHttpDependencies): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  app.use(instrument(deps.metrics));
  app.use(express.json({ limit: deps.maxBodyBytes, strict: true }));

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok", ...deps.health() });
  });
  app.get("/metrics", async (_req, res) => {
    res.set("Content-Type", deps.metrics.registry.contentType);
    res.send(await deps.metrics.registry.metrics());
  });

  app.post("/v1/orders", async (req, res) => {
    const { status, body } = await answerPublish(deps, req.body, clientOf(req.socket));
    res.status(status).json(body);
  });

  app.get("/v1/orders/hash/:hash", (req, res) => {
    const hash = String(req.params.hash);
    if (!/^0x[0-9a-fA-F]{64}$/.test(hash)) {
      throw new RequestInvalidError("The order hash must be a bytes32 hex string.");
    }
    const entry = deps.publish.store.get(hash);
    if (!entry) throw new NotFoundError(`No open order ${hash}.`);
    res.json(entryToJson(entry));
  });

  app.get("/v1/orders/:kind", (req, res) => {
    let kind;
    try {
      kind = orderKindFromName(req.params.kind);
    } catch (err) {
      throw new NotFoundError((err as BaseError).shortMessage);
    }
    const q = parseOrderQuery(req.query as Record<string, unknown>);
    const filter = filterOf(kind, q);
    const { store } = deps.publish;
    const orders = store.list(kind, filter, q.page * q.pageSize, q.pageSize).map(entryToJson);
    res.json({ orders, page: q.page, pageSize: q.pageSize, total: store.count(kind, filter) });
  });

  app.post("/v1/match/best", async (req, res) => {
    const stop = deps.metrics.bestMatchDuration.startTimer();
    try {
      res.json(await findBestMatch(deps.match, req.body, deps.matchOptions));
    } finally {
      stop();
    }
  });

  app.get("/v1/events", (req, res) => {
    deps.events.subscribe(req, res);
  });

  app.use((req: Request) => {
    throw new NotFoundError(`No route ${req.method} ${req.path}.`);
  });
  app.use(errorHandler(deps.logger));
  return app;
}

/** Answer of a `POST /v1/orders` that published (201) or found (200) the order. */
export interface PublishAnswer {
  status: 200 | 201;
  body: { orderHash: string; remaining: string };
}

/** The key a client's refusals are counted under: its address. */
export function clientOf(socket: Socket): string {
  return socket.remoteAddress ?? "unknown";
}

/**
 * Publishes the parsed body of a `POST /v1/orders` (see publishOrder) for `client`, counts it and
 * announces a new order. @throws publishOrder's errors, counted as refusals and drained from the
 * client's bucket; PublishThrottledError while that bucket is empty.
 */
export async function answerPublish(
  deps: MarketHttpDependencies,
  body: unknown,
  client: string,
): Promise<PublishAnswer> {
  const wait = deps.refusals?.wait(client) ?? 0;
  if (wait > 0) {
    deps.metrics.refused.inc({ reason: "PublishThrottled" });
    throw new PublishThrottledError(Math.ceil(wait));
  }
  try {
    const { entry, created } = await publishOrder(deps.publish, body);
    if (created) {
      deps.metrics.published.inc({ kind: ORDER_KIND_NAMES[entry.kind] });
      deps.onPublished(entry);
    }
    return {
      status: created ? 201 : 200,
      body: { orderHash: entry.orderHash, remaining: entry.remaining.toString() },
    };
  } catch (err) {
    deps.metrics.refused.inc({ reason: err instanceof BaseError ? err.name : "Error" });
    if (statusOf(err) < 500) deps.refusals?.take(client);
    throw err;
  }
}

function instrument(metrics: MarketMetrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      countRequest(metrics, req.method, routeLabel(req.path), res.statusCode, started);
    });
    next();
  };
}

/** Counts an answered request and its duration since `started` (process.hrtime.bigint()). */
export function countRequest(
  metrics: MarketMetrics,
  method: string,
  route: string,
  status: number,
  started: bigint,
): void {
  metrics.httpRequests.inc({ method, route, status: String(status) });
  metrics.httpDuration.observe({ route }, Number(process.hrtime.bigint() - started) / 1e9);
}

function routeLabel(path: string): string {
  if (path.startsWith("/v1/orders/hash/")) return "/v1/orders/hash/:hash";
  if (path.startsWith("/v1/orders/")) return "/v1/orders/:kind";
  if (["/v1/orders", "/v1/match/best", "/v1/events", "/metrics", "/healthz"].includes(path))
    return path;
  return "other";
}

/** Maps errors to `{ error: { name, message, details?, hint? } }` with their HTTP status. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    const { status, body, headers } = errorResponse(err, logger);
    if (!res.headersSent) res.status(status).set(headers).json(body);
  };
}

/** The HTTP status and JSON body answering `err` (5xx errors are logged). */
export function errorResponse(
  err: unknown,
  logger: Logger,
): { status: number; body: { error: Record<string, unknown> }; headers: Record<string, string> } {
  let error = err;
  const type = (err as { type?: string })?.type;
  if (type === "entity.too.large") {
    error = new BodyTooLargeError("The request body is too large.");
  } else if (
    type === "entity.parse.failed" ||
    type === "encoding.unsupported" ||
    type === "charset.unsupported"
  ) {
    error = new RequestInvalidError("The request body is not valid JSON.");
  }
  const status = statusOf(error);
  if (status >= 500) logger.error({ err: error }, "request failed");
  const body =
    error instanceof BaseError
      ? {
          name: error.name,
          message: error.shortMessage,
          ...(error.details ? { details: error.details } : {}),
          ...(error.hint ? { hint: error.hint } : {}),
          ...("errorName" in error
            ? { errorName: (error as { errorName: string }).errorName }
            : {}),
        }
      : { name: "InternalError", message: "Internal error." };
  const headers: Record<string, string> =
    error instanceof PublishThrottledError
      ? { "Retry-After": String(error.retryAfterSeconds) }
      : {};
  return { status, body: { error: body }, headers };
}
