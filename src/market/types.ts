import type { Logger } from "pino";
import type { OrderKind, OrderByKind } from "../core/index.js";
import type { OrderJson } from "../core/orderJson.js";

/** Time source (injected so tests can control it). */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

export type { Logger };

/** An open order in the book. */
export interface BookEntry<K extends OrderKind = OrderKind> {
  kind: K;
  orderHash: string;
  order: OrderByKind[K];
  /** Volume left (volume - consumed on chain). */
  remaining: bigint;
  /** Lowercase address of the owner who signed (or presigned) it. */
  signer: string;
  /** Publication time, ms since the epoch. */
  publishedAt: number;
}

/** JSON form of a book entry, as the REST API returns it. */
export interface BookEntryJson {
  orderHash: string;
  kind: string;
  order: OrderJson;
  remaining: string;
  publishedAt: string;
  signer: string;
}

/** Why an order left the book (the `reason` of `order-removed` events). */
export type RemovalReason =
  "filled" | "cancelled" | "expired" | "owner-changed" | "balance-insufficient";
