import { TypedDataEncoder, ZeroAddress, ZeroHash, hexlify, randomBytes } from "ethers";
import type { TypedDataDomain, TypedDataField } from "ethers";

/** The four order kinds, in the same order as the Solidity `OrderKind` enum. */
export enum OrderKind {
  App = 0,
  Dataset = 1,
  Workerpool = 2,
  Request = 3,
}

/** An app owner's offer. `signature` is not part of the signed data ("0x" = presigned). */
export interface AppOrder {
  app: string;
  price: bigint;
  volume: bigint;
  tag: string;
  datasetRestrict: string;
  workerpoolRestrict: string;
  requesterRestrict: string;
  expiry: bigint;
  salt: string;
  signature: string;
}

export interface DatasetOrder {
  dataset: string;
  price: bigint;
  volume: bigint;
  tag: string;
  appRestrict: string;
  workerpoolRestrict: string;
  requesterRestrict: string;
  expiry: bigint;
  salt: string;
  signature: string;
}

export interface WorkerpoolOrder {
  workerpool: string;
  price: bigint;
  volume: bigint;
  tag: string;
  category: bigint;
  trust: bigint;
  appRestrict: string;
  datasetRestrict: string;
  requesterRestrict: string;
  expiry: bigint;
  salt: string;
  signature: string;
}

export interface RequestOrder {
  app: string;
  appMaxPrice: bigint;
  dataset: string;
  datasetMaxPrice: bigint;
  workerpool: string;
  workerpoolMaxPrice: bigint;
  requester: string;
  volume: bigint;
  tag: string;
  category: bigint;
  trust: bigint;
  beneficiary: string;
  callback: string;
  params: string;
  expiry: bigint;
  salt: string;
  signature: string;
}

export type AnyOrder = AppOrder | DatasetOrder | WorkerpoolOrder | RequestOrder;

/** Maps an order kind to its TypeScript type. */
export interface OrderByKind {
  [OrderKind.App]: AppOrder;
  [OrderKind.Dataset]: DatasetOrder;
  [OrderKind.Workerpool]: WorkerpoolOrder;
  [OrderKind.Request]: RequestOrder;
}

/** EIP-712 type definitions; must match the typehashes in contracts/libraries/OrderTypes.sol. */
export const ORDER_TYPES: Record<OrderKind, Record<string, TypedDataField[]>> = {
  [OrderKind.App]: {
    AppOrder: [
      { name: "app", type: "address" },
      { name: "price", type: "uint256" },
      { name: "volume", type: "uint256" },
      { name: "tag", type: "bytes32" },
      { name: "datasetRestrict", type: "address" },
      { name: "workerpoolRestrict", type: "address" },
      { name: "requesterRestrict", type: "address" },
      { name: "expiry", type: "uint256" },
      { name: "salt", type: "bytes32" },
    ],
  },
  [OrderKind.Dataset]: {
    DatasetOrder: [
      { name: "dataset", type: "address" },
      { name: "price", type: "uint256" },
      { name: "volume", type: "uint256" },
      { name: "tag", type: "bytes32" },
      { name: "appRestrict", type: "address" },
      { name: "workerpoolRestrict", type: "address" },
      { name: "requesterRestrict", type: "address" },
      { name: "expiry", type: "uint256" },
      { name: "salt", type: "bytes32" },
    ],
  },
  [OrderKind.Workerpool]: {
    WorkerpoolOrder: [
      { name: "workerpool", type: "address" },
      { name: "price", type: "uint256" },
      { name: "volume", type: "uint256" },
      { name: "tag", type: "bytes32" },
      { name: "category", type: "uint256" },
      { name: "trust", type: "uint256" },
      { name: "appRestrict", type: "address" },
      { name: "datasetRestrict", type: "address" },
      { name: "requesterRestrict", type: "address" },
      { name: "expiry", type: "uint256" },
      { name: "salt", type: "bytes32" },
    ],
  },
  [OrderKind.Request]: {
    RequestOrder: [
      { name: "app", type: "address" },
      { name: "appMaxPrice", type: "uint256" },
      { name: "dataset", type: "address" },
      { name: "datasetMaxPrice", type: "uint256" },
      { name: "workerpool", type: "address" },
      { name: "workerpoolMaxPrice", type: "uint256" },
      { name: "requester", type: "address" },
      { name: "volume", type: "uint256" },
      { name: "tag", type: "bytes32" },
      { name: "category", type: "uint256" },
      { name: "trust", type: "uint256" },
      { name: "beneficiary", type: "address" },
      { name: "callback", type: "address" },
      { name: "params", type: "string" },
      { name: "expiry", type: "uint256" },
      { name: "salt", type: "bytes32" },
    ],
  },
};

export const ORDER_KIND_NAMES: Record<OrderKind, string> = {
  [OrderKind.App]: "app",
  [OrderKind.Dataset]: "dataset",
  [OrderKind.Workerpool]: "workerpool",
  [OrderKind.Request]: "request",
};

/** The owner-signed message that cancels an order for good. */
export const CANCEL_ORDER_TYPES: Record<string, TypedDataField[]> = {
  CancelOrder: [{ name: "orderHash", type: "bytes32" }],
};

/** The order fields that are signed (everything but `signature`). */
export function signedFields<K extends OrderKind>(
  kind: K,
  order: OrderByKind[K],
): Record<string, unknown> {
  const fields = Object.values(ORDER_TYPES[kind])[0];
  const out: Record<string, unknown> = {};
  for (const f of fields) out[f.name] = (order as unknown as Record<string, unknown>)[f.name];
  return out;
}

/**
 * EIP-712 digest of an order: its id everywhere (consumed volume, events, the market).
 * @example const id = orderHash(domain, OrderKind.App, appOrder);
 */
export function orderHash<K extends OrderKind>(
  domain: TypedDataDomain,
  kind: K,
  order: OrderByKind[K],
): string {
  return TypedDataEncoder.hash(domain, ORDER_TYPES[kind], signedFields(kind, order));
}

/** A fresh random 32-byte salt, so two otherwise equal orders get different ids. */
export function randomSalt(): string {
  return hexlify(randomBytes(32));
}

const NO_EXPIRY_DEFAULT_SECONDS = 30n * 24n * 3600n;

/** Expiry timestamp `seconds` from `now` (defaults: 30 days from the local clock). */
export function expiryIn(
  seconds: bigint = NO_EXPIRY_DEFAULT_SECONDS,
  now = BigInt(Math.floor(Date.now() / 1000)),
): bigint {
  return now + seconds;
}

/** An empty dataset order, used for deals without a dataset. */
export function noDatasetOrder(): DatasetOrder {
  return {
    dataset: ZeroAddress,
    price: 0n,
    volume: 0n,
    tag: ZeroHash,
    appRestrict: ZeroAddress,
    workerpoolRestrict: ZeroAddress,
    requesterRestrict: ZeroAddress,
    expiry: 0n,
    salt: ZeroHash,
    signature: "0x",
  };
}
