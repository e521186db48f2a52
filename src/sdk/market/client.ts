import {
  OrderKind,
  orderFromJson,
  orderKindFromName,
  orderKindName,
  orderToJson,
} from "../../core/index.js";
import type { OrderByKind, RequestOrder } from "../../core/index.js";
import { ServiceError } from "../../core/errors/index.js";
import { fetchJson } from "../http.js";
import type { BestMatch, MarketOrder, OrderFilters, OrderPage } from "./types.js";

export interface CreateMarketClientParameters {
  /** Base URL, default http://127.0.0.1:13400. */
  url?: string;
  /** Added to "cannot reach" errors (how to start the market). */
  hint?: string;
  timeoutMs?: number;
}

/** A typed client of the orderbook REST API (src/market). */
export interface MarketClient {
  url: string;
  /** POST /v1/orders: publishes a signed order; the market validates it against the chain. */
  publishOrder<K extends OrderKind>(kind: K, order: OrderByKind[K]): Promise<{ orderHash: string }>;
  /** GET /v1/orders/:kind with PoCo's filters, paginated. */
  listOrders(kind: OrderKind, filters?: OrderFilters): Promise<OrderPage>;
  /** GET /v1/orders/hash/:hash. */
  getOrder(orderHash: string): Promise<MarketOrder>;
  /** POST /v1/match/best: the best compatible app, dataset and workerpool orders. */
  bestMatch(requestOrder: RequestOrder): Promise<BestMatch>;
}

export const DEFAULT_MARKET_URL = "http://127.0.0.1:13400";

/**
 * Creates a market client. Unreachable market -> ServiceError (exit 2 in the CLI) with a hint;
 * a refused request (4xx) -> RequestRejectedError.
 * @example
 * const market = createMarketClient({ url: "http://127.0.0.1:13400" });
 * const { orders } = await market.listOrders(OrderKind.App, { app });
 */
export function createMarketClient(params: CreateMarketClientParameters = {}): MarketClient {
  const url = (params.url ?? DEFAULT_MARKET_URL).replace(/\/+$/, "");
  const options = {
    service: "market",
    hint:
      params.hint ?? `Start the market (it listens on ${url}) or point --market to a running one.`,
    timeoutMs: params.timeoutMs,
  };
  return {
    url,
    async publishOrder(kind, order) {
      const body = (await fetchJson(`${url}/v1/orders`, {
        ...options,
        method: "POST",
        body: { kind: orderKindName(kind), order: orderToJson(kind, order) },
      })) as { orderHash?: unknown };
      if (typeof body?.orderHash !== "string") throw malformed("publish");
      return { orderHash: body.orderHash };
    },
    async listOrders(kind, filters = {}) {
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(filters)) {
        if (value === undefined || value === null) continue;
        // Pages are 1-based here and in the CLI, zero-based in the market's API.
        query.set(key, key === "page" ? String(Math.max(0, Number(value) - 1)) : String(value));
      }
      const q = query.toString();
      const body = (await fetchJson(
        `${url}/v1/orders/${orderKindName(kind)}${q ? `?${q}` : ""}`,
        options,
      )) as { orders?: unknown[]; page?: unknown; total?: unknown };
      if (!Array.isArray(body?.orders)) throw malformed("list");
      return {
        orders: body.orders.map((o) => parseMarketOrder(o, kind)),
        page: body.page === undefined ? (filters.page ?? 1) : Number(body.page) + 1,
        total: Number(body.total ?? body.orders.length),
      };
    },
    async getOrder(orderHash) {
      return parseMarketOrder(await fetchJson(`${url}/v1/orders/hash/${orderHash}`, options));
    },
    async bestMatch(requestOrder) {
      const body = (await fetchJson(`${url}/v1/match/best`, {
        ...options,
        method: "POST",
        body: { requestOrder: orderToJson(OrderKind.Request, requestOrder) },
      })) as Record<string, unknown>;
      if (!body?.appOrder || !body.workerpoolOrder) throw malformed("best match");
      const estimate = body.estimate as Record<string, unknown> | undefined;
      return {
        appOrder: parseMarketOrder(body.appOrder, OrderKind.App),
        datasetOrder: body.datasetOrder
          ? parseMarketOrder(body.datasetOrder, OrderKind.Dataset)
          : undefined,
        workerpoolOrder: parseMarketOrder(body.workerpoolOrder, OrderKind.Workerpool),
        estimate: estimate && {
          volume: BigInt(String(estimate.volume ?? 0)),
          taskPrice: BigInt(String(estimate.taskPrice ?? 0)),
          cost: BigInt(String(estimate.cost ?? 0)),
        },
      };
    },
  };
}

/**
 * Parses one order entry of a market answer: `{ orderHash, order, remaining, publishedAt,
 * signer, kind? }`, or a bare order. The kind is taken from the entry, the caller, or the
 * order's fields.
 */
export function parseMarketOrder(value: unknown, kind?: OrderKind): MarketOrder {
  if (!value || typeof value !== "object") throw malformed("order");
  const entry = value as Record<string, unknown>;
  const raw = (entry.order && typeof entry.order === "object" ? entry.order : entry) as Record<
    string,
    unknown
  >;
  const k =
    typeof entry.kind === "string" ? orderKindFromName(entry.kind) : (kind ?? inferKind(raw));
  return {
    kind: k,
    orderHash: String(entry.orderHash ?? ""),
    order: orderFromJson(k, raw),
    remaining: BigInt(String(entry.remaining ?? raw.volume ?? 0)),
    publishedAt: String(entry.publishedAt ?? ""),
    signer: String(entry.signer ?? ""),
  };
}

function inferKind(order: Record<string, unknown>): OrderKind {
  if ("appMaxPrice" in order) return OrderKind.Request;
  if ("workerpool" in order) return OrderKind.Workerpool;
  if ("dataset" in order) return OrderKind.Dataset;
  return OrderKind.App;
}

function malformed(what: string): ServiceError {
  return new ServiceError(`The market sent a malformed ${what} answer.`);
}
