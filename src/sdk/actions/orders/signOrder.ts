import { ZeroAddress } from "ethers";
import { orderHash, orderKindName, signOrder as signTypedOrder } from "../../../core/index.js";
import type { OrderByKind, OrderKind } from "../../../core/index.js";
import type { PolisClient } from "../../client.js";
import { AssetNotFoundError, NotAssetOwnerError } from "../../errors/index.js";
import type { AssetKind } from "../../errors/index.js";
import { requireSigner } from "../../internal/signer.js";
import { orderOwner, orderSubject } from "./orderOwner.js";

export interface SignOrderParameters<K extends OrderKind> {
  kind: K;
  order: OrderByKind[K];
}

export interface SignOrderReturnType<K extends OrderKind> {
  order: OrderByKind[K];
  orderHash: string;
}

/**
 * Signs an order (EIP-712, hub domain) with the client's wallet after checking that the wallet
 * is the current owner of the order's asset (or its requester): a signature by anyone else
 * would be refused at match time.
 * @throws NotAssetOwnerError, AssetNotFoundError
 * @example const { order: signed, orderHash } = await signOrder(client, { kind: OrderKind.App, order });
 */
export async function signOrder<K extends OrderKind>(
  client: PolisClient,
  params: SignOrderParameters<K>,
): Promise<SignOrderReturnType<K>> {
  const { signer, address } = await requireSigner(client, "Signing an order");
  await assertOrderOwner(client, params.kind, params.order, address);
  const signed = await signTypedOrder(signer, client.hubDomain, params.kind, params.order);
  return { order: signed, orderHash: orderHash(client.hubDomain, params.kind, signed) };
}

/** Throws unless `caller` may sign (or cancel, or presign) this order. */
export async function assertOrderOwner(
  client: PolisClient,
  kind: OrderKind,
  order: OrderByKind[OrderKind],
  caller: string,
): Promise<void> {
  const name = orderKindName(kind);
  const owner = await orderOwner(client, kind, order);
  const subject = orderSubject(kind, order);
  if (owner === ZeroAddress) throw new AssetNotFoundError(name as AssetKind, subject);
  if (owner.toLowerCase() !== caller.toLowerCase()) {
    throw new NotAssetOwnerError(name as AssetKind | "request", subject, owner, caller);
  }
}
