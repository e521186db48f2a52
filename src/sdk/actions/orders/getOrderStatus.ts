import { Interface, ZeroAddress, verifyTypedData } from "ethers";
import { ORDER_TYPES, orderHash, signedFields } from "../../../core/index.js";
import type { OrderByKind, OrderKind } from "../../../core/index.js";
import type { PolisClient } from "../../client.js";
import { read } from "../../internal/send.js";
import { chainTime } from "./defaults.js";
import { orderOwner } from "./orderOwner.js";

export interface GetOrderStatusParameters<K extends OrderKind> {
  kind: K;
  order: OrderByKind[K];
}

export interface GetOrderStatusReturnType {
  orderHash: string;
  volume: bigint;
  /** Volume used by deals (at most `volume`; a request filled whole by its first deal, which the
   * hub records without a counter, reads as its volume). */
  consumed: bigint;
  remaining: bigint;
  /** consumed >= volume: filled or cancelled. */
  closed: boolean;
  expiry: bigint;
  expired: boolean;
  /** Current owner of the order's asset (the requester for request orders); zero if unknown. */
  owner: string;
  /** The signature (or presign) is by the current owner, so the order can still match. */
  signatureValid: boolean;
  presigned: boolean;
  /** Open = not closed, not expired, validly signed. */
  open: boolean;
}

const ERC1271 = new Interface([
  "function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)",
]);

/**
 * On-chain status of an order: consumed and remaining volume, expiry against the chain clock,
 * and whether its signature still counts (the signer must still own the asset).
 * @example const { remaining, open } = await getOrderStatus(client, { kind, order });
 */
export async function getOrderStatus<K extends OrderKind>(
  client: PolisClient,
  params: GetOrderStatusParameters<K>,
): Promise<GetOrderStatusReturnType> {
  const { kind, order } = params;
  const hash = orderHash(client.hubDomain, kind, order);
  const [consumed, owner, now] = await Promise.all([
    read(() => client.hub.consumed(hash)),
    orderOwner(client, kind, order),
    chainTime(client),
  ]);
  // Presigns are per signer: only the current owner's presign counts.
  const presigned =
    owner !== ZeroAddress && (await read(() => client.hub.isPresigned(hash, owner)));
  const signatureValid =
    owner !== ZeroAddress &&
    (order.signature === "0x"
      ? presigned
      : await signatureMatches(client, kind, order, hash, owner));
  const remaining = consumed >= order.volume ? 0n : order.volume - consumed;
  const expired = now > order.expiry;
  return {
    orderHash: hash,
    volume: order.volume,
    consumed: consumed > order.volume ? order.volume : consumed,
    remaining,
    closed: remaining === 0n,
    expiry: order.expiry,
    expired,
    owner,
    signatureValid,
    presigned,
    open: remaining > 0n && !expired && signatureValid,
  };
}

async function signatureMatches<K extends OrderKind>(
  client: PolisClient,
  kind: K,
  order: OrderByKind[K],
  hash: string,
  owner: string,
): Promise<boolean> {
  try {
    const recovered = verifyTypedData(
      client.hubDomain,
      ORDER_TYPES[kind],
      signedFields(kind, order),
      order.signature,
    );
    if (recovered.toLowerCase() === owner.toLowerCase()) return true;
  } catch {
    // not an ECDSA signature; maybe ERC-1271
  }
  const code = await read(() => client.provider.getCode(owner));
  if (code === "0x") return false;
  try {
    const result = await client.provider.call({
      to: owner,
      data: ERC1271.encodeFunctionData("isValidSignature", [hash, order.signature]),
    });
    return result.slice(0, 10) === "0x1626ba7e";
  } catch {
    return false;
  }
}
