import { OrderKind, orderHash } from "../../../core/index.js";
import type {
  AppOrder,
  DatasetOrder,
  OrderByKind,
  RequestOrder,
  WorkerpoolOrder,
} from "../../../core/index.js";
import type { PolisClient } from "../../client.js";
import { read } from "../../internal/send.js";

export interface HashOrderParameters<K extends OrderKind> {
  kind: K;
  order: OrderByKind[K];
  /** Ask the hub contract instead of computing locally (same result; used by tests). */
  onChain?: boolean;
}

/**
 * The EIP-712 digest of an order under the hub domain: its id for consumed volume, events and
 * the market.
 * @example const id = await hashOrder(client, { kind: OrderKind.Request, order });
 */
export async function hashOrder<K extends OrderKind>(
  client: PolisClient,
  params: HashOrderParameters<K>,
): Promise<string> {
  const { kind, order } = params;
  if (!params.onChain) return orderHash(client.hubDomain, kind, order);
  const hub = client.hub;
  return read(() => {
    switch (kind) {
      case OrderKind.App:
        return hub.hashAppOrder(order as AppOrder);
      case OrderKind.Dataset:
        return hub.hashDatasetOrder(order as DatasetOrder);
      case OrderKind.Workerpool:
        return hub.hashWorkerpoolOrder(order as WorkerpoolOrder);
      default:
        return hub.hashRequestOrder(order as RequestOrder);
    }
  });
}
