import { OrderKind } from "../core/index.js";
import { RequestInvalidError } from "./errors.js";
import { TAG_LO_BITS, ZERO, tagHi, tagLo, uintKey } from "./orderColumns.js";
import { addressEquals, categoryEquals } from "./orderIndexes.js";
import type { SqlFilter } from "./store.js";

/** Filters of `GET /v1/orders/:kind` (PoCo's orderbook filters). */
export interface OrderQuery {
  app?: string;
  dataset?: string;
  workerpool?: string;
  requester?: string;
  signer?: string;
  /** Restrictions must name the filtered address exactly (no "anyone" orders). */
  strict: boolean;
  category?: bigint;
  /** Orders whose tag has every bit of minTag. */
  minTag?: bigint;
  /** Orders whose tag has no bit outside maxTag. */
  maxTag?: bigint;
  minTrust?: bigint;
  maxTrust?: bigint;
  minVolume?: bigint;
  /** Zero-based page number. */
  page: number;
  pageSize: number;
}

/** Orders per page when pageSize is absent. */
export const DEFAULT_PAGE_SIZE = 20;
/** Largest pageSize accepted. */
export const MAX_PAGE_SIZE = 1000;

const KNOWN = new Set([
  "app",
  "dataset",
  "workerpool",
  "requester",
  "signer",
  "strict",
  "category",
  "minTag",
  "maxTag",
  "minTrust",
  "maxTrust",
  "minVolume",
  "page",
  "pageSize",
]);

/**
 * Parses and validates the query string. Every value is checked against a strict pattern, so a
 * value that is not an address, a number or a bytes32 is refused with 400 before any SQL runs.
 * @throws RequestInvalidError
 */
export function parseOrderQuery(query: Record<string, unknown>): OrderQuery {
  const problems: string[] = [];
  for (const key of Object.keys(query))
    if (!KNOWN.has(key)) problems.push(`unknown filter "${key}"`);
  const str = (key: string): string | undefined => {
    const v = query[key];
    if (v === undefined) return undefined;
    if (typeof v !== "string") {
      problems.push(`filter "${key}" must be given once`);
      return undefined;
    }
    return v;
  };
  const address = (key: string) => {
    const v = str(key);
    if (v === undefined) return undefined;
    if (!/^0x[0-9a-fA-F]{40}$/.test(v)) problems.push(`filter "${key}" must be an address`);
    return v.toLowerCase();
  };
  const uint = (key: string) => {
    const v = str(key);
    if (v === undefined) return undefined;
    if (!/^[0-9]{1,78}$/.test(v)) {
      problems.push(`filter "${key}" must be a non-negative integer`);
      return undefined;
    }
    return BigInt(v);
  };
  const tag = (key: string) => {
    const v = str(key);
    if (v === undefined) return undefined;
    if (!/^0x[0-9a-fA-F]{1,64}$/.test(v)) {
      problems.push(`filter "${key}" must be a bytes32 hex value`);
      return undefined;
    }
    return BigInt(v);
  };
  const strictRaw = str("strict");
  if (strictRaw !== undefined && !["true", "false", "1", "0"].includes(strictRaw)) {
    problems.push(`filter "strict" must be true or false`);
  }
  const q: OrderQuery = {
    app: address("app"),
    dataset: address("dataset"),
    workerpool: address("workerpool"),
    requester: address("requester"),
    signer: address("signer"),
    strict: strictRaw === "true" || strictRaw === "1",
    category: uint("category"),
    minTag: tag("minTag"),
    maxTag: tag("maxTag"),
    minTrust: uint("minTrust"),
    maxTrust: uint("maxTrust"),
    minVolume: uint("minVolume"),
    page: Number(uint("page") ?? 0n),
    pageSize: Number(uint("pageSize") ?? BigInt(DEFAULT_PAGE_SIZE)),
  };
  if (q.pageSize < 1 || q.pageSize > MAX_PAGE_SIZE) {
    problems.push(`pageSize must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  if (!Number.isSafeInteger(q.page) || q.page > 1_000_000) problems.push("page is too large");
  if (problems.length > 0) {
    throw new RequestInvalidError(`Invalid query: ${problems.join("; ")}.`);
  }
  return q;
}

/** Builds the parameterized WHERE clause of a query for one order kind. */
export function filterOf(kind: OrderKind, q: OrderQuery): SqlFilter {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const ownColumns: Record<OrderKind, string[]> = {
    [OrderKind.App]: ["app"],
    [OrderKind.Dataset]: ["dataset"],
    [OrderKind.Workerpool]: ["workerpool"],
    [OrderKind.Request]: ["app", "dataset", "requester"],
  };
  for (const column of ["app", "dataset", "workerpool", "requester"] as const) {
    const value = q[column];
    if (value === undefined) continue;
    if (q.strict || ownColumns[kind].includes(column)) {
      addressEquals(where, params, column, value);
    } else {
      where.push(`${column} IN (?, ?)`);
      params.push(ZERO, value);
    }
  }
  if (q.signer !== undefined) {
    where.push("signer = ?");
    params.push(q.signer);
  }
  if (q.category !== undefined) categoryEquals(where, params, kind, uintKey(q.category));
  if (q.minTrust !== undefined) {
    where.push("trust_key >= ?");
    params.push(uintKey(q.minTrust));
  }
  if (q.maxTrust !== undefined) {
    where.push("trust_key <= ?");
    params.push(uintKey(q.maxTrust));
  }
  if (q.minVolume !== undefined) {
    where.push("remaining_key >= ?");
    params.push(uintKey(q.minVolume));
  }
  if (q.minTag !== undefined) addTagIncludes(where, params, q.minTag);
  if (q.maxTag !== undefined) addTagWithin(where, params, q.maxTag);
  return { where, params };
}

/** The order's tag has every bit of `required`. */
export function addTagIncludes(where: string[], params: (string | number)[], required: bigint) {
  const lo = tagLo(required);
  if (lo !== 0) {
    where.push("(tag_lo & ?) = ?");
    params.push(lo, lo);
  }
  if (required >> TAG_LO_BITS !== 0n) {
    where.push("hi_subset(?, tag_hi) = 1");
    params.push(tagHi(required));
  }
}

/** The order's tag has no bit outside `allowed`. */
export function addTagWithin(where: string[], params: (string | number)[], allowed: bigint) {
  const outsideLo = Number(~BigInt(tagLo(allowed)) & ((1n << TAG_LO_BITS) - 1n));
  if (outsideLo !== 0) {
    where.push("(tag_lo & ?) = 0");
    params.push(outsideLo);
  }
  where.push("(tag_hi = '0' OR hi_subset(tag_hi, ?) = 1)");
  params.push(tagHi(allowed));
}
