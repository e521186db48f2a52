import express from "express";
import type { ErrorRequestHandler, Express, NextFunction, Request, Response } from "express";
import { fileURLToPath } from "node:url";
import { BaseError, NotFoundError, RequestInvalidError, statusOf } from "../core/errors/index.js";
import type { PolisClient } from "../sdk/client.js";
import type { AuditorMetrics } from "./metrics.js";
import type { AuditorQueries } from "./queries.js";
import { verifyTaskEvidence } from "./verify/verifyTaskEvidence.js";
import type { VerifyTaskEvidenceOptions } from "./verify/verifyTaskEvidence.js";
import type { Logger } from "pino";

/** Everything the auditor's HTTP routes use. */
export interface AuditorHttpDependencies {
  client: PolisClient;
  queries: AuditorQueries;
  metrics: AuditorMetrics;
  logger: Logger;
  evidence: VerifyTaskEvidenceOptions;
}

/** Static files of the explorer (plain HTML, JS and CSS). */
export const EXPLORER_DIR = fileURLToPath(new URL("./explorer/", import.meta.url));

const HASH = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const MOVEMENT_KINDS = ["Deposited", "Withdrawn", "Locked", "Unlocked", "Seized", "Rewarded"];

function param(req: Request, name: string, pattern: RegExp, what: string): string {
  const v = String(req.params[name]);
  if (!pattern.test(v)) throw new RequestInvalidError(`${name} must be ${what}.`);
  return v.toLowerCase();
}

function paging(query: Record<string, unknown>): { page: number; pageSize: number } {
  const page = query.page === undefined ? 0 : Number(query.page);
  const pageSize = query.pageSize === undefined ? 50 : Number(query.pageSize);
  if (
    !Number.isSafeInteger(page) ||
    page < 0 ||
    !Number.isSafeInteger(pageSize) ||
    pageSize < 1 ||
    pageSize > 500
  ) {
    throw new RequestInvalidError("page must be >= 0 and pageSize between 1 and 500.");
  }
  return { page, pageSize };
}

function onlyKeys(query: Record<string, unknown>, allowed: string[]) {
  const unknown = Object.keys(query).filter((k) => !allowed.includes(k));
  if (unknown.length > 0)
    throw new RequestInvalidError(`Unknown query parameter(s): ${unknown.join(", ")}.`);
}

/** Builds the auditor's express app: query API under /v1, explorer at /, /metrics, /healthz. */
export function createAuditorApp(deps: AuditorHttpDependencies): Express {
  const { queries } = deps;
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  app.use((req: Request, res: Response, next: NextFunction) => {
    const stop = deps.metrics.httpDuration.startTimer();
    res.on("finish", () => {
      const route = req.route?.path
        ? String(req.route.path)
        : req.path.startsWith("/v1/")
          ? "other"
          : "static";
      stop({ route });
      deps.metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  });

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok", ...queries.status() });
  });
  app.get("/metrics", async (_req, res) => {
    res.set("Content-Type", deps.metrics.registry.contentType);
    res.send(await deps.metrics.registry.metrics());
  });

  app.get("/v1/status", (_req, res) => {
    res.json(queries.status());
  });
  app.get("/v1/search", (req, res) => {
    onlyKeys(req.query, ["q"]);
    const q = String(req.query.q ?? "").trim();
    if (!HASH.test(q) && !ADDRESS.test(q)) {
      throw new RequestInvalidError(
        "Search for an address (0x + 40 hex) or a deal, task or order hash (0x + 64 hex).",
      );
    }
    res.json(queries.search(q));
  });
  app.get("/v1/deals", (req, res) => {
    onlyKeys(req.query, ["requester", "app", "dataset", "workerpool", "page", "pageSize"]);
    const filter: Record<string, string> = {};
    for (const key of ["requester", "app", "dataset", "workerpool"]) {
      const v = req.query[key];
      if (v === undefined) continue;
      if (typeof v !== "string" || !ADDRESS.test(v))
        throw new RequestInvalidError(`${key} must be an address.`);
      filter[key] = v;
    }
    const { page, pageSize } = paging(req.query);
    res.json(queries.deals(filter, page, pageSize));
  });
  app.get("/v1/deals/:dealId", (req, res) => {
    const deal = queries.deal(param(req, "dealId", HASH, "a bytes32 deal id"));
    if (!deal) throw new NotFoundError("No such deal in the index.");
    res.json(deal);
  });
  app.get("/v1/tasks/:taskId", (req, res) => {
    const task = queries.task(param(req, "taskId", HASH, "a bytes32 task id"));
    if (!task) throw new NotFoundError("No such task in the index.");
    res.json(task);
  });
  app.post("/v1/tasks/:taskId/verify", async (req, res) => {
    const taskId = param(req, "taskId", HASH, "a bytes32 task id");
    const stop = deps.metrics.verifyDuration.startTimer();
    const evidence = await verifyTaskEvidence(deps.client, taskId, deps.evidence);
    stop({ ok: String(evidence.ok) });
    res.json(evidence);
  });
  app.get("/v1/orders/:orderHash", (req, res) => {
    res.json(queries.order(param(req, "orderHash", HASH, "a bytes32 order hash")));
  });
  app.get("/v1/assets/:address", (req, res) => {
    const asset = queries.asset(param(req, "address", ADDRESS, "an address"));
    if (!asset) throw new NotFoundError("No such asset in the index.");
    res.json(asset);
  });
  app.get("/v1/datasets/:address/usage", (req, res) => {
    res.json(queries.datasetUsage(param(req, "address", ADDRESS, "an address")));
  });
  app.get("/v1/accounts/:address", (req, res) => {
    res.json(queries.account(param(req, "address", ADDRESS, "an address")));
  });
  app.get("/v1/accounts/:address/payments", (req, res) => {
    onlyKeys(req.query, ["kinds", "page", "pageSize"]);
    const kinds = req.query.kinds === undefined ? ["Rewarded"] : String(req.query.kinds).split(",");
    if (kinds.some((k) => !MOVEMENT_KINDS.includes(k))) {
      throw new RequestInvalidError(
        `kinds must be a comma-separated list of ${MOVEMENT_KINDS.join(", ")}.`,
      );
    }
    const { page, pageSize } = paging(req.query);
    res.json(
      queries.movements(param(req, "address", ADDRESS, "an address"), kinds, page, pageSize),
    );
  });
  app.use("/v1", (req: Request) => {
    throw new NotFoundError(`No route ${req.method} ${req.originalUrl}.`);
  });

  app.use(express.static(EXPLORER_DIR, { index: "index.html", maxAge: 0 }));
  app.use((req: Request) => {
    throw new NotFoundError(`No route ${req.method} ${req.path}.`);
  });
  app.use(errorHandler(deps.logger));
  return app;
}

function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    const status = statusOf(err);
    if (status >= 500) logger.error({ err }, "request failed");
    const body =
      err instanceof BaseError
        ? {
            name: err.name,
            message: err.shortMessage,
            ...(err.details ? { details: err.details } : {}),
          }
        : { name: "InternalError", message: "Internal error." };
    if (!res.headersSent) res.status(status).json({ error: body });
  };
}
