import { OrderKind, orderHash } from "../../../core/index.js";
import type {
  AppOrder,
  DatasetOrder,
  OrderByKind,
  RequestOrder,
  WorkerpoolOrder,
} from "../../../core/index.js";
import type { PolisClient } from "../../client.js";
import { requireSigner } from "../../internal/signer.js";
import { sendTransaction, transactionInfo } from "../../internal/send.js";
import type { TransactionInfo } from "../../internal/send.js";
import { assertOrderOwner } from "./signOrder.js";

export interface CancelOrderParameters<K extends OrderKind> {
  kind: K;
  order: OrderByKind[K];
}

export interface CancelOrderReturnType extends TransactionInfo {
  orderHash: string;
}

/**
 * Closes an order for good on-chain (its consumed volume becomes its volume); the market drops
 * it. Only the current owner may cancel.
 * @throws NotAssetOwnerError when the wallet does not own the order.
 * @example await cancelOrder(client, { kind: OrderKind.App, order: signedAppOrder });
 */
export async function cancelOrder<K extends OrderKind>(
  client: PolisClient,
  params: CancelOrderParameters<K>,
): Promise<CancelOrderReturnType> {
  const { address } = await requireSigner(client, "Cancelling an order");
  const { kind, order } = params;
  await assertOrderOwner(client, kind, order, address);
  const hub = client.hub;
  const receipt = await sendTransaction(client, () => {
    switch (kind) {
      case OrderKind.App:
        return hub.cancelAppOrder(order as AppOrder, "0x");
      case OrderKind.Dataset:
        return hub.cancelDatasetOrder(order as DatasetOrder, "0x");
      case OrderKind.Workerpool:
        return hub.cancelWorkerpoolOrder(order as WorkerpoolOrder, "0x");
      default:
        return hub.cancelRequestOrder(order as RequestOrder, "0x");
    }
  });
  return { ...transactionInfo(receipt), orderHash: orderHash(client.hubDomain, kind, order) };
}
