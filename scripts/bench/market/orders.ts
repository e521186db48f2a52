import { ZeroAddress, hexlify } from "ethers";
import { NO_TAG, OrderKind, TEE_TAG, encodeTag } from "../../../src/core/index.js";
import type {
  AppOrder,
  DatasetOrder,
  RequestOrder,
  WorkerpoolOrder,
} from "../../../src/core/index.js";
import type { World } from "./world.js";

/** Deterministic PRNG (mulberry32) so runs are comparable. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: T[]) => xs[Math.floor(next() * xs.length)],
    salt: () => hexlify(Uint8Array.from({ length: 32 }, () => Math.floor(next() * 256))),
  };
}

export type Rng = ReturnType<typeof rng>;
/** Price unit: prices are 1..1000 milli-POLIS. */
export const UNIT = 10n ** 15n;
const GPU_TEE = encodeTag(["tee", "gpu"]);

export interface Unsigned<K extends OrderKind = OrderKind> {
  kind: K;
  order: any;
  /** Private key of the signer. */
  key: string;
  signer: string;
}

export function appOrder(w: World, r: Rng, expiry: bigint): Unsigned<OrderKind.App> {
  const i = r.int(w.apps.length);
  const owner = w.appOwners[i % w.appOwners.length];
  const order: AppOrder = {
    app: w.apps[i],
    price: BigInt(1 + r.int(1000)) * UNIT,
    volume: BigInt(1 + r.int(50)),
    tag: r.next() < 0.5 ? TEE_TAG : NO_TAG,
    datasetRestrict: r.next() < 0.05 ? r.pick(w.datasets) : ZeroAddress,
    workerpoolRestrict: r.next() < 0.05 ? r.pick(w.pools) : ZeroAddress,
    requesterRestrict: r.next() < 0.05 ? r.pick(w.requesters).address : ZeroAddress,
    expiry,
    salt: r.salt(),
    signature: "0x",
  };
  return { kind: OrderKind.App, order, key: owner.privateKey, signer: owner.address };
}

export function datasetOrder(w: World, r: Rng, expiry: bigint): Unsigned<OrderKind.Dataset> {
  const i = r.int(w.datasets.length);
  const owner = w.datasetOwners[i % w.datasetOwners.length];
  const order: DatasetOrder = {
    dataset: w.datasets[i],
    price: BigInt(1 + r.int(1000)) * UNIT,
    volume: BigInt(1 + r.int(50)),
    tag: r.next() < 0.3 ? TEE_TAG : NO_TAG,
    appRestrict: r.next() < 0.1 ? r.pick(w.apps) : ZeroAddress,
    workerpoolRestrict: r.next() < 0.05 ? r.pick(w.pools) : ZeroAddress,
    requesterRestrict: r.next() < 0.05 ? r.pick(w.requesters).address : ZeroAddress,
    expiry,
    salt: r.salt(),
    signature: "0x",
  };
  return { kind: OrderKind.Dataset, order, key: owner.privateKey, signer: owner.address };
}

export function workerpoolOrder(w: World, r: Rng, expiry: bigint): Unsigned<OrderKind.Workerpool> {
  const i = r.int(w.pools.length);
  const owner = w.poolOwners[i % w.poolOwners.length];
  const t = r.next();
  const order: WorkerpoolOrder = {
    workerpool: w.pools[i],
    price: BigInt(1 + r.int(1000)) * UNIT,
    volume: BigInt(1 + r.int(100)),
    tag: t < 0.6 ? TEE_TAG : t < 0.7 ? GPU_TEE : NO_TAG,
    category: BigInt(r.int(5)),
    trust: r.next() < 0.7 ? 1n : BigInt(2 + r.int(4)),
    appRestrict: r.next() < 0.03 ? r.pick(w.apps) : ZeroAddress,
    datasetRestrict: r.next() < 0.03 ? r.pick(w.datasets) : ZeroAddress,
    requesterRestrict: r.next() < 0.03 ? r.pick(w.requesters).address : ZeroAddress,
    expiry,
    salt: r.salt(),
    signature: "0x",
  };
  return { kind: OrderKind.Workerpool, order, key: owner.privateKey, signer: owner.address };
}

export function requestOrder(
  w: World,
  r: Rng,
  expiry: bigint,
  opts: { withDataset?: boolean; maxPrice?: bigint; volume?: bigint } = {},
): Unsigned<OrderKind.Request> {
  const requester = r.pick(w.requesters);
  const withDataset = opts.withDataset ?? r.next() < 0.8;
  const max = opts.maxPrice ?? BigInt(1 + r.int(1000)) * UNIT;
  const order: RequestOrder = {
    app: r.pick(w.apps),
    appMaxPrice: max,
    dataset: withDataset ? r.pick(w.datasets) : ZeroAddress,
    datasetMaxPrice: withDataset ? max : 0n,
    workerpool: ZeroAddress,
    workerpoolMaxPrice: max,
    requester: requester.address,
    volume: opts.volume ?? BigInt(1 + r.int(5)),
    tag: r.next() < 0.5 ? TEE_TAG : NO_TAG,
    category: BigInt(r.int(5)),
    trust: 1n,
    beneficiary: requester.address,
    callback: ZeroAddress,
    params: '{"args":"--bench"}',
    expiry,
    salt: r.salt(),
    signature: "0x",
  };
  return { kind: OrderKind.Request, order, key: requester.privateKey, signer: requester.address };
}
