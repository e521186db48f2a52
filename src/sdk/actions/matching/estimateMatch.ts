import { noDatasetOrder } from "../../../core/index.js";
import type { ContractError } from "../../../core/errors/index.js";
import type { PolisClient } from "../../client.js";
import { decodeRevertData } from "../../errors/index.js";
import { read } from "../../internal/send.js";
import type { MatchOrders } from "./types.js";

export interface EstimateMatchParameters extends MatchOrders {
  /** Who would pay: default the request's requester (or the signer for a sponsored match). */
  sponsor?: string;
}

export interface EstimateMatchReturnType {
  /** Tasks the deal would cover. */
  volume: bigint;
  /** app + dataset + workerpool asks, per task. */
  taskPrice: bigint;
  /** What the sponsor would lock: taskPrice * volume. */
  cost: bigint;
  /** What the pool owner would lock. */
  workerpoolStake: bigint;
  /** The named error matchOrders would revert with; undefined when it would succeed. */
  failure?: ContractError;
}

/**
 * Dry-runs a match with the hub's `estimateMatch` view: volume, cost, stakes, and the exact
 * custom error (decoded, with a message and a hint) a match would revert with. Sends nothing.
 * @example
 * const { cost, failure } = await estimateMatch(client, orders);
 * if (failure) throw failure;
 */
export async function estimateMatch(
  client: PolisClient,
  params: EstimateMatchParameters,
): Promise<EstimateMatchReturnType> {
  const sponsor = params.sponsor ?? params.requestOrder.requester;
  const estimate = await read(() =>
    client.hub.estimateMatch(
      params.appOrder,
      params.datasetOrder ?? noDatasetOrder(),
      params.workerpoolOrder,
      params.requestOrder,
      sponsor,
    ),
  );
  const failure =
    estimate.failure === "0x"
      ? undefined
      : decodeRevertData(estimate.failure, {
          sender: client.signer ? await client.signer.getAddress() : sponsor,
        });
  return {
    volume: estimate.volume,
    taskPrice: estimate.taskPrice,
    cost: estimate.cost,
    workerpoolStake: estimate.workerpoolStake,
    failure,
  };
}
