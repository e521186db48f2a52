import { ZeroAddress } from "ethers";
import { OrderKind } from "../../../core/index.js";
import type {
  AnyOrder,
  AppOrder,
  DatasetOrder,
  RequestOrder,
  WorkerpoolOrder,
} from "../../../core/index.js";
import type { PolisClient } from "../../client.js";
import { read } from "../../internal/send.js";

/** The asset an order is about (the requester for request orders). */
export function orderSubject(kind: OrderKind, order: AnyOrder): string {
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
 * Who must sign the order now: the current owner of its asset, or the requester. Zero address
 * when the asset is not registered.
 */
export async function orderOwner(
  client: PolisClient,
  kind: OrderKind,
  order: AnyOrder,
): Promise<string> {
  const subject = orderSubject(kind, order);
  switch (kind) {
    case OrderKind.App:
      return read(() => client.appRegistry.ownerOfAsset(subject));
    case OrderKind.Dataset:
      return subject === ZeroAddress
        ? ZeroAddress
        : read(() => client.datasetRegistry.ownerOfAsset(subject));
    case OrderKind.Workerpool:
      return read(() => client.workerpoolRegistry.ownerOfAsset(subject));
    default:
      return subject;
  }
}
