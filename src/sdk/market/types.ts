import type { AnyOrder, OrderKind, OrderKindName, RequestOrder } from "../../core/index.js";

/** An order as the market lists it. */
export interface MarketOrder {
  kind: OrderKind;
  orderHash: string;
  order: AnyOrder;
  /** Volume left, as the market last read it from the chain. */
  remaining: bigint;
  publishedAt: string;
  signer: string;
}

/** PoCo's orderbook filters (GET /v1/orders/:kind). */
export interface OrderFilters {
  app?: string;
  dataset?: string;
  workerpool?: string;
  requester?: string;
  /** Exact restriction matches only (no "anyone" orders). */
  strict?: boolean;
  category?: bigint;
  minTag?: string;
  maxTag?: string;
  minTrust?: bigint;
  maxTrust?: bigint;
  minVolume?: bigint;
  /** Page number from 1 (the market's API counts from 0; the client converts). */
  page?: number;
  pageSize?: number;
}

export interface OrderPage {
  orders: MarketOrder[];
  /** From 1. */
  page: number;
  total: number;
}

/** What POST /v1/match/best answers for a request order. */
export interface BestMatch {
  appOrder: MarketOrder;
  datasetOrder?: MarketOrder;
  workerpoolOrder: MarketOrder;
  estimate?: { volume: bigint; taskPrice: bigint; cost: bigint };
}

export interface BestMatchParameters {
  requestOrder: RequestOrder;
}

export type { OrderKindName };
