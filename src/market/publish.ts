import { OrderKind, UserError, orderFromJson, orderKindFromName } from "../core/index.js";
import type {
  AnyOrder,
  AppOrder,
  DatasetOrder,
  RequestOrder,
  WorkerpoolOrder,
} from "../core/index.js";
import type { ChainState } from "./chainState.js";
import {
  AssetUnknownError,
  BalanceInsufficientError,
  OrderConsumedError,
  OrderExpiredError,
  OrderHashMismatchError,
  OrderLimitReachedError,
  OrderSignatureInvalidError,
  RequestInvalidError,
} from "./errors.js";
import { lockOf } from "./orderColumns.js";
import type { OrderHasher } from "./orderHasher.js";
import type { EcdsaStatus } from "./signatureVerifier.js";
import type { MarketStore } from "./store.js";
import type { BookEntry, Clock } from "./types.js";

/** What publishOrder reads and writes. */
export interface PublishDependencies {
  store: MarketStore;
  chain: ChainState;
  hasher: OrderHasher;
  /** ECDSA check against the expected signer (in-thread or on a worker pool). */
  verifier: {
    verify(digest: string, signature: string, signer: string): EcdsaStatus | Promise<EcdsaStatus>;
  };
  clock: Clock;
  maxOpenOrdersPerWallet: number;
}

/** Outcome of a publish. */
export interface PublishResult {
  entry: BookEntry;
  /** False when the order was already in the book (publishing is idempotent). */
  created: boolean;
}

/** The asset an order offers (zero for requests). */
export function assetOf(kind: OrderKind, order: AnyOrder): string {
  switch (kind) {
    case OrderKind.App:
      return (order as AppOrder).app;
    case OrderKind.Dataset:
      return (order as DatasetOrder).dataset;
    case OrderKind.Workerpool:
      return (order as WorkerpoolOrder).workerpool;
    default:
      return (order as RequestOrder).requester;
  }
}

/**
 * Validates a `POST /v1/orders` body and adds the order to the book: strict schema, EIP-712
 * digest, signature (ECDSA, ERC-1271 or presign) by the asset's current owner or the requester,
 * expiry against the chain head, remaining volume on chain, escrow cover and the per-wallet limit.
 * @throws one of the errors of ./errors.ts; the book is unchanged when it throws.
 */
export async function publishOrder(
  deps: PublishDependencies,
  body: unknown,
): Promise<PublishResult> {
  const { kind, order, claimedHash } = parseBody(body);
  const orderHash = deps.hasher(kind, order);
  if (claimedHash !== undefined && claimedHash.toLowerCase() !== orderHash) {
    throw new OrderHashMismatchError(
      `orderHash ${claimedHash} is not the EIP-712 digest of the order (${orderHash}).`,
    );
  }
  const existing = deps.store.get(orderHash);
  if (existing) return { entry: existing, created: false };

  const { chain } = deps;
  const isRequest = kind === OrderKind.Request;
  const asset = assetOf(kind, order);
  const readOwner = () =>
    Promise.all([
      chain.head(),
      isRequest ? Promise.resolve(asset.toLowerCase()) : chain.ownerOf(kind, asset),
    ]);
  let consumedRead = settle(chain.consumed(orderHash));
  let [head, owner] = await readOwner();
  if (/^0x0{40}$/.test(owner)) {
    // Registered after the cached head (an owner publishing right after deploying): read again
    // at a fresh head before refusing.
    chain.invalidate();
    consumedRead = settle(chain.consumed(orderHash));
    [head, owner] = await readOwner();
  }
  const known = !/^0x0{40}$/.test(owner);
  // The signature is checked (on the verifier thread) while the consumed volume is read; the
  // outcomes are then taken in the order of the checks, so the error is the same as in sequence.
  const signatureCheck = known
    ? settle(checkSignature(deps, orderHash, order.signature, owner))
    : undefined;
  const consumed = outcome(await consumedRead);
  if (order.expiry <= head.timestamp) {
    throw new OrderExpiredError(
      `The order expired at ${order.expiry} (chain time is ${head.timestamp}).`,
    );
  }
  if (!signatureCheck) {
    throw new AssetUnknownError(`${asset} is not a registered asset.`);
  }
  outcome(await signatureCheck);
  const remaining = order.volume > consumed ? order.volume - consumed : 0n;
  if (remaining === 0n) {
    throw new OrderConsumedError(
      `The order has no volume left on chain (volume ${order.volume}, consumed ${consumed}).`,
    );
  }
  const lock = lockOf(kind, order, remaining);
  if (lock > 0n) {
    const stake = await chain.stakeOf(owner);
    if (stake < lock) {
      throw new BalanceInsufficientError(
        `${owner} has ${stake} free in escrow but the order needs ${lock} to be matched in full.`,
        { hint: "Deposit more, or publish a smaller volume." },
      );
    }
  }
  const entry: BookEntry = {
    kind,
    orderHash,
    order,
    remaining,
    signer: owner,
    publishedAt: deps.clock.now(),
  };
  // No await between the count and the queued insert: no other publish can interleave.
  if (deps.store.countBySigner(owner) >= deps.maxOpenOrdersPerWallet) {
    throw new OrderLimitReachedError(
      `${owner} already has ${deps.maxOpenOrdersPerWallet} open orders.`,
      { hint: "Cancel or let some orders expire first." },
    );
  }
  const created = await deps.store.insertQueued(entry);
  return { entry: created ? entry : (deps.store.get(orderHash) ?? entry), created };
}

type Settled<T> = { value: T } | { error: unknown };

/** A promise that never rejects (its outcome is taken later with `outcome`). */
function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  return p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

function outcome<T>(s: Settled<T>): T {
  if ("error" in s) throw s.error;
  return s.value;
}

function parseBody(body: unknown): { kind: OrderKind; order: AnyOrder; claimedHash?: string } {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new RequestInvalidError("The body must be a JSON object {kind, order}.");
  }
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !["kind", "order", "orderHash"].includes(k));
  if (unknown.length > 0) {
    throw new RequestInvalidError(`Unknown body field(s): ${unknown.join(", ")}.`);
  }
  if (
    b.orderHash !== undefined &&
    (typeof b.orderHash !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(b.orderHash))
  ) {
    throw new RequestInvalidError("orderHash must be a bytes32 hex string.");
  }
  try {
    const kind = orderKindFromName(b.kind);
    return {
      kind,
      order: orderFromJson(kind, b.order),
      claimedHash: b.orderHash as string | undefined,
    };
  } catch (err) {
    if (err instanceof UserError) {
      throw new RequestInvalidError(err.shortMessage, { details: err.details, hint: err.hint });
    }
    throw err;
  }
}

async function checkSignature(
  deps: PublishDependencies,
  orderHash: string,
  signature: string,
  owner: string,
): Promise<void> {
  if (signature === "0x") {
    if (!(await deps.chain.isPresigned(orderHash, owner))) {
      throw new OrderSignatureInvalidError(
        `The order has no signature and is not presigned on chain by its owner ${owner}.`,
      );
    }
    return;
  }
  const status = await deps.verifier.verify(orderHash, signature, owner);
  if (status === "valid") return;
  if (await deps.chain.hasCode(owner)) {
    if (await deps.chain.isValidErc1271(owner, orderHash, signature)) return;
    throw new OrderSignatureInvalidError(
      `The owner contract ${owner} does not accept the signature (ERC-1271).`,
    );
  }
  const why =
    status === "bad-length"
      ? "it must be 65 bytes"
      : status === "malleable"
        ? "high-s signatures are refused"
        : `it is not from the current owner ${owner}`;
  throw new OrderSignatureInvalidError(`The order signature is invalid: ${why}.`);
}
