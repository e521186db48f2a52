import { orderHash } from "../../../core/index.js";
import type { OrderByKind, OrderKind } from "../../../core/index.js";
import type { PolisClient } from "../../client.js";
import { requireSigner } from "../../internal/signer.js";
import { sendTransaction, transactionInfo } from "../../internal/send.js";
import type { TransactionInfo } from "../../internal/send.js";
import { assertOrderOwner } from "./signOrder.js";

export interface PresignOrderParameters<K extends OrderKind> {
  kind: K;
  order: OrderByKind[K];
}

export interface PresignOrderReturnType extends TransactionInfo {
  orderHash: string;
}

/**
 * Presigns an order on-chain (for contract owners, or to avoid sharing a signature). The order
 * then matches with an empty signature while the signer still owns its asset.
 * @example await presignOrder(client, { kind: OrderKind.Workerpool, order });
 */
export async function presignOrder<K extends OrderKind>(
  client: PolisClient,
  params: PresignOrderParameters<K>,
): Promise<PresignOrderReturnType> {
  const { address } = await requireSigner(client, "Presigning an order");
  await assertOrderOwner(client, params.kind, params.order, address);
  const hash = orderHash(client.hubDomain, params.kind, params.order);
  const receipt = await sendTransaction(client, () => client.hub.presign(hash));
  return { ...transactionInfo(receipt), orderHash: hash };
}
