import {
  OrderKind,
  UserError,
  isTagSubset,
  isTee,
  noDatasetOrder,
  orderFromJson,
  orderToJson,
} from "../core/index.js";
import type { RequestOrder, WorkerpoolOrder } from "../core/index.js";
import type { OrderJson } from "../core/orderJson.js";
import type { Interface } from "ethers";
import type { PolisClient } from "../sdk/client.js";
import { decodeEstimateMatch, encodeEstimateMatch } from "./estimateMatchCall.js";
import type { ChainState } from "./chainState.js";
import { NotFoundError, RequestInvalidError, RequestUnmatchableError } from "./errors.js";
import { ZERO, uintKey } from "./orderColumns.js";
import type { OrderHasher } from "./orderHasher.js";
import { addressEquals, categoryEquals } from "./orderIndexes.js";
import { addTagIncludes } from "./queryFilters.js";
import type { LazyEntries, MarketStore, SqlFilter } from "./store.js";
import type { BookEntry } from "./types.js";

/** What best match reads: the book, the cached chain state, the client and the hasher. */
export interface BestMatchDependencies {
  store: MarketStore;
  chain: ChainState;
  client: PolisClient;
  hasher: OrderHasher;
}

/** Tuning of the best-match search. */
export interface BestMatchOptions {
  /** Cheapest orders of each kind considered (default 64 app/dataset, 4x for pools). */
  candidates?: number;
  /** Combinations tried with the hub's `estimateMatch` before giving up (default 4). */
  attempts?: number;
  /** Confirm with `estimateMatch` (default true); otherwise the estimate is computed locally. */
  confirm?: boolean;
}

/** The hub's estimate of a match, amounts as decimal strings. */
export interface MatchEstimateJson {
  volume: string;
  taskPrice: string;
  cost: string;
  workerpoolStake: string;
}

/** Response of `POST /v1/match/best`. */
export interface BestMatchJson {
  appOrder: OrderJson;
  datasetOrder: OrderJson;
  workerpoolOrder: OrderJson;
  requestOrder: OrderJson;
  orderHashes: { app: string; dataset: string; workerpool: string; request: string };
  estimate: MatchEstimateJson;
}

interface Combo {
  app: BookEntry<OrderKind.App>;
  dataset?: BookEntry<OrderKind.Dataset>;
  workerpool: BookEntry<OrderKind.Workerpool>;
  total: bigint;
}

/** Stands for "no dataset" in the dataset candidate list of dataset-less requests. */
const NO_DATASET = { kind: OrderKind.Dataset } as BookEntry;

/** Request-side failures: no other combination of offers can fix them. */
const REQUEST_SIDE = new Set(["GrantMissing", "GrantRevoked", "GrantExpired", "GrantExhausted"]);

/**
 * Finds the cheapest compatible app, dataset and workerpool orders for a request order under
 * PoCo's rules (app and dataset equality, category, trust, max prices, tags and the TEE rule, the
 * cross-restrictions, remaining volume, expiry), then confirms the best combinations with the hub's
 * `estimateMatch` view, which also checks signatures, owners, grants and balances on chain.
 * @throws RequestInvalidError, RequestUnmatchableError, NotFoundError
 */
export async function findBestMatch(
  deps: BestMatchDependencies,
  body: unknown,
  options: BestMatchOptions = {},
): Promise<BestMatchJson> {
  const { request, sponsor } = parseBody(body);
  const head = await deps.chain.head();
  const combos = searchCombos(
    deps.store,
    request,
    head.timestamp,
    options.candidates ?? 64,
    options.attempts ?? 4,
  );
  const requestHash = deps.hasher(OrderKind.Request, request);
  if (combos.length === 0) {
    throw new NotFoundError("No compatible app, dataset and workerpool orders for this request.");
  }
  let lastFailure = "";
  // An unsigned draft (what `polis run` asks about before signing at the offers' prices) fails
  // only the request's own signature once every other rule up to the signatures holds.
  const draft = request.signature === "0x";
  const localEstimate = (combo: Combo): MatchEstimateJson => {
    const volume = [combo.app.remaining, combo.dataset?.remaining, combo.workerpool.remaining]
      .filter((v): v is bigint => v !== undefined)
      .reduce((m, v) => (v < m ? v : m), request.volume);
    return {
      volume: volume.toString(),
      taskPrice: combo.total.toString(),
      cost: (combo.total * volume).toString(),
      workerpoolStake: (((combo.workerpool.order.price * 30n) / 100n) * volume).toString(),
    };
  };
  for (const combo of combos) {
    const datasetOrder = combo.dataset?.order ?? noDatasetOrder();
    let estimate: MatchEstimateJson;
    if (options.confirm === false) {
      estimate = localEstimate(combo);
    } else {
      const hub = deps.client.hub.interface;
      const data = encodeEstimateMatch(
        hub.getFunction("estimateMatch")!.selector,
        combo.app.order,
        datasetOrder,
        combo.workerpool.order,
        request,
        sponsor ?? request.requester,
      );
      const result = decodeEstimateMatch(
        hub as unknown as Interface,
        await deps.chain.call(deps.client.deployment.hub, data, head.number),
      );
      const failure =
        result.failure === "0x" ? undefined : describeFailure(deps.client, result.failure);
      if (
        failure &&
        draft &&
        failure.name === "OrderSignatureInvalid" &&
        Number(failure.args[0]) === OrderKind.Request
      ) {
        // Volume, grants and balances are checked when the requester matches the signed order.
        estimate = localEstimate(combo);
      } else if (failure) {
        const requestDone =
          failure.name === "MatchVolumeZero" &&
          (await deps.chain.consumed(requestHash)) >= request.volume;
        if (requestDone || isRequestSide(failure, request, sponsor)) {
          throw new RequestUnmatchableError(
            failure.name,
            `The request cannot be matched: ${failure.text}.`,
          );
        }
        lastFailure = failure.text;
        continue;
      } else {
        estimate = {
          volume: result.volume.toString(),
          taskPrice: result.taskPrice.toString(),
          cost: result.cost.toString(),
          workerpoolStake: result.workerpoolStake.toString(),
        };
      }
    }
    return {
      appOrder: orderToJson(OrderKind.App, combo.app.order),
      datasetOrder: orderToJson(OrderKind.Dataset, datasetOrder),
      workerpoolOrder: orderToJson(OrderKind.Workerpool, combo.workerpool.order),
      requestOrder: orderToJson(OrderKind.Request, request),
      orderHashes: {
        app: combo.app.orderHash,
        dataset: combo.dataset?.orderHash ?? "0x" + "0".repeat(64),
        workerpool: combo.workerpool.orderHash,
        request: requestHash,
      },
      estimate,
    };
  }
  throw new NotFoundError(
    `No combination of open orders passes the hub's checks (last: ${lastFailure}).`,
  );
}

/** The cheapest compatible combinations, cheapest first (at most `keep`). */
export function searchCombos(
  store: MarketStore,
  r: RequestOrder,
  now: bigint,
  limit: number,
  keep: number,
): Combo[] {
  const reads: LazyEntries[] = [];
  const select = (kind: OrderKind, filter: SqlFilter, n: number) => {
    const entries = store.selectLazy(kind, filter, n);
    reads.push(entries);
    return entries;
  };
  try {
    return searchIn(select, r, now, limit, keep);
  } finally {
    for (const entries of reads) entries.close();
  }
}

function searchIn(
  select: (kind: OrderKind, filter: SqlFilter, n: number) => LazyEntries,
  r: RequestOrder,
  now: bigint,
  limit: number,
  keep: number,
): Combo[] {
  const app = r.app.toLowerCase();
  const dataset = r.dataset.toLowerCase();
  const requester = r.requester.toLowerCase();
  const pool = r.workerpool.toLowerCase();
  const common = (maxPrice: bigint): SqlFilter => {
    const f: SqlFilter = {
      where: ["requester IN (?, ?)", "price_key <= ?", "expiry > ?"],
      params: [ZERO, requester, uintKey(maxPrice), clampTime(now)],
    };
    if (pool !== ZERO) {
      f.where.push("workerpool IN (?, ?)");
      f.params.push(ZERO, pool);
    }
    return f;
  };

  const appFilter = common(r.appMaxPrice);
  addressEquals(appFilter.where, appFilter.params, "app", app);
  appFilter.where.push("dataset IN (?, ?)");
  appFilter.params.push(ZERO, dataset);
  const apps = select(OrderKind.App, appFilter, limit);
  if (!apps.at(0)) return [];

  let datasets: Pick<LazyEntries, "at"> = {
    at: (i) => (i === 0 ? NO_DATASET : undefined),
  };
  if (dataset !== ZERO) {
    const f = common(r.datasetMaxPrice);
    addressEquals(f.where, f.params, "dataset", dataset);
    f.where.push("app IN (?, ?)");
    f.params.push(ZERO, app);
    datasets = select(OrderKind.Dataset, f, limit);
    if (!datasets.at(0)) return [];
  }

  const poolFilter: SqlFilter = {
    where: [
      "trust_key >= ?",
      "price_key <= ?",
      "expiry > ?",
      "app IN (?, ?)",
      "dataset IN (?, ?)",
      "requester IN (?, ?)",
    ],
    params: [
      uintKey(r.trust),
      uintKey(r.workerpoolMaxPrice),
      clampTime(now),
      ZERO,
      app,
      ZERO,
      dataset,
      ZERO,
      requester,
    ],
  };
  categoryEquals(poolFilter.where, poolFilter.params, OrderKind.Workerpool, uintKey(r.category));
  if (pool !== ZERO) addressEquals(poolFilter.where, poolFilter.params, "workerpool", pool);
  addTagIncludes(poolFilter.where, poolFilter.params, BigInt(r.tag));
  const pools = select(OrderKind.Workerpool, poolFilter, limit * 2);
  const first = pools.at(0);
  if (!first) return [];
  const cheapestPool = (first.order as WorkerpoolOrder).price;

  const best: Combo[] = [];
  const worst = () => (best.length < keep ? undefined : best[best.length - 1].total);
  for (let i = 0; ; i++) {
    const a = apps.at(i) as BookEntry<OrderKind.App> | undefined;
    if (!a) break;
    const bound = worst();
    if (bound !== undefined && a.order.price + cheapestPool >= bound) break;
    for (let j = 0; ; j++) {
      const dEntry = datasets.at(j);
      if (!dEntry) break;
      const d = dEntry === NO_DATASET ? undefined : (dEntry as BookEntry<OrderKind.Dataset>);
      const base = a.order.price + (d?.order.price ?? 0n);
      const b = worst();
      if (b !== undefined && base + cheapestPool >= b) break;
      const combined = BigInt(a.order.tag) | BigInt(d?.order.tag ?? 0) | BigInt(r.tag);
      if ((combined & 1n) === 1n && !isTee(a.order.tag)) continue;
      for (let k = 0; ; k++) {
        const p = pools.at(k) as BookEntry<OrderKind.Workerpool> | undefined;
        if (!p) break;
        const total = base + p.order.price;
        const b2 = worst();
        if (b2 !== undefined && total >= b2) break;
        if (!isTagSubset(toTag(combined), p.order.tag)) continue;
        const wp = p.order.workerpool.toLowerCase();
        if (!allows(a.order.workerpoolRestrict, wp)) continue;
        if (d && !allows(d.order.workerpoolRestrict, wp)) continue;
        best.push({ app: a, dataset: d, workerpool: p, total });
        best.sort((x, y) => (x.total < y.total ? -1 : x.total > y.total ? 1 : 0));
        if (best.length > keep) best.pop();
        break;
      }
    }
  }
  return best;
}

function allows(restriction: string, actual: string): boolean {
  const r = restriction.toLowerCase();
  return r === ZERO || r === actual;
}

function toTag(value: bigint): string {
  return "0x" + value.toString(16).padStart(64, "0");
}

function clampTime(t: bigint): number {
  return t > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(t);
}

function parseBody(body: unknown): { request: RequestOrder; sponsor?: string } {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new RequestInvalidError("The body must be a JSON object {requestOrder, sponsor?}.");
  }
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => k !== "requestOrder" && k !== "sponsor");
  if (unknown.length > 0)
    throw new RequestInvalidError(`Unknown body field(s): ${unknown.join(", ")}.`);
  if (
    b.sponsor !== undefined &&
    (typeof b.sponsor !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(b.sponsor))
  ) {
    throw new RequestInvalidError("sponsor must be an address.");
  }
  try {
    return {
      request: orderFromJson(OrderKind.Request, b.requestOrder),
      sponsor: b.sponsor as string | undefined,
    };
  } catch (err) {
    if (err instanceof UserError)
      throw new RequestInvalidError(err.shortMessage, { details: err.details });
    throw err;
  }
}

interface Failure {
  name: string;
  args: unknown[];
  text: string;
}

function describeFailure(client: PolisClient, data: string): Failure {
  const parsed =
    client.hub.interface.parseError(data) ?? client.taskManager.interface.parseError(data);
  if (!parsed) return { name: "Unknown", args: [], text: `unknown error ${data}` };
  const args = [...parsed.args];
  return { name: parsed.name, args, text: `${parsed.name}(${args.map(String).join(", ")})` };
}

function isRequestSide(f: Failure, r: RequestOrder, sponsor?: string): boolean {
  if (REQUEST_SIDE.has(f.name)) return true;
  const kind = f.args[0];
  if (["OrderExpired", "OrderSignatureInvalid"].includes(f.name)) {
    return Number(kind) === OrderKind.Request;
  }
  // Book orders were checked at publish: a malformed signature now is the request's.
  if (f.name === "SignatureLengthInvalid" || f.name === "SignatureMalleable") return true;
  if (f.name === "EscrowInsufficientBalance") {
    const payer = (sponsor ?? r.requester).toLowerCase();
    return String(f.args[0]).toLowerCase() === payer;
  }
  return false;
}
