import { ZeroAddress } from "ethers";
import { OrderKind } from "../core/index.js";
import type {
  AnyOrder,
  AppOrder,
  DatasetOrder,
  RequestOrder,
  WorkerpoolOrder,
} from "../core/index.js";

/** Low tag bits kept as an SQLite integer (bits 0..47); higher bits are kept as hex text. */
export const TAG_LO_BITS = 48n;
const TAG_LO_MASK = (1n << TAG_LO_BITS) - 1n;
/** The zero address in lowercase: "anyone" in restrictions. */
export const ZERO = ZeroAddress.toLowerCase();

/** uint256 as a 64-digit hex string, so that text order is numeric order. */
export function uintKey(value: bigint): string {
  return value.toString(16).padStart(64, "0");
}

/** Low 48 bits of a tag as an integer (the SQLite-searchable part). */
export function tagLo(tag: string | bigint): number {
  return Number(BigInt(tag) & TAG_LO_MASK);
}

/** Bits above 48 of a tag as hex ("0" when none). */
export function tagHi(tag: string | bigint): string {
  return (BigInt(tag) >> TAG_LO_BITS).toString(16);
}

/**
 * The searchable columns of an order. `app`, `dataset`, `workerpool` and `requester` hold the
 * order's own asset (or the request's exact value) or its restriction (zero = anyone), so one
 * filter rule serves the four kinds.
 */
export interface OrderColumns {
  app: string;
  dataset: string;
  workerpool: string;
  requester: string;
  /** Which of the four columns is the order's own asset (an exact match, never "anyone"). */
  own: ReadonlyArray<"app" | "dataset" | "workerpool" | "requester">;
  price: bigint;
  tag: string;
  category: bigint;
  trust: bigint;
  volume: bigint;
  expiry: bigint;
}

/** Searchable columns of an order; its sort price is its ask, or for a request the sum of its max prices. */
export function columnsOf(kind: OrderKind, order: AnyOrder): OrderColumns {
  const lc = (a: string) => a.toLowerCase();
  switch (kind) {
    case OrderKind.App: {
      const o = order as AppOrder;
      return {
        app: lc(o.app),
        dataset: lc(o.datasetRestrict),
        workerpool: lc(o.workerpoolRestrict),
        requester: lc(o.requesterRestrict),
        own: ["app"],
        price: o.price,
        tag: o.tag,
        category: 0n,
        trust: 0n,
        volume: o.volume,
        expiry: o.expiry,
      };
    }
    case OrderKind.Dataset: {
      const o = order as DatasetOrder;
      return {
        app: lc(o.appRestrict),
        dataset: lc(o.dataset),
        workerpool: lc(o.workerpoolRestrict),
        requester: lc(o.requesterRestrict),
        own: ["dataset"],
        price: o.price,
        tag: o.tag,
        category: 0n,
        trust: 0n,
        volume: o.volume,
        expiry: o.expiry,
      };
    }
    case OrderKind.Workerpool: {
      const o = order as WorkerpoolOrder;
      return {
        app: lc(o.appRestrict),
        dataset: lc(o.datasetRestrict),
        workerpool: lc(o.workerpool),
        requester: lc(o.requesterRestrict),
        own: ["workerpool"],
        price: o.price,
        tag: o.tag,
        category: o.category,
        trust: o.trust,
        volume: o.volume,
        expiry: o.expiry,
      };
    }
    case OrderKind.Request: {
      const o = order as RequestOrder;
      return {
        app: lc(o.app),
        dataset: lc(o.dataset),
        workerpool: lc(o.workerpool),
        requester: lc(o.requester),
        own: ["app", "dataset", "requester"],
        price: o.appMaxPrice + o.datasetMaxPrice + o.workerpoolMaxPrice,
        tag: o.tag,
        category: o.category,
        trust: o.trust,
        volume: o.volume,
        expiry: o.expiry,
      };
    }
  }
}

/**
 * Free escrow an open order needs from its signer to be matched in full: a request's max prices x
 * remaining volume (the requester's lock), a workerpool order's 30% stake x remaining volume (the
 * pool owner's lock); zero for app and dataset orders.
 */
export function lockOf(kind: OrderKind, order: AnyOrder, remaining: bigint): bigint {
  if (kind === OrderKind.Request) {
    const o = order as RequestOrder;
    return (o.appMaxPrice + o.datasetMaxPrice + o.workerpoolMaxPrice) * remaining;
  }
  if (kind === OrderKind.Workerpool) {
    return (((order as WorkerpoolOrder).price * 30n) / 100n) * remaining;
  }
  return 0n;
}
