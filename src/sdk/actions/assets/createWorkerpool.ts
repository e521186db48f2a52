import { ZeroAddress } from "ethers";
import { UserError } from "../../../core/errors/index.js";
import type { PolisClient } from "../../client.js";
import { requireSigner } from "../../internal/signer.js";
import { sendTransaction, transactionInfo } from "../../internal/send.js";
import type { TransactionInfo } from "../../internal/send.js";
import { predictWorkerpool } from "./predictWorkerpool.js";

/** Where a pool's workers run. */
export type ResourceClass = "cloud" | "fog" | "edge";
export const RESOURCE_CLASSES: readonly ResourceClass[] = ["cloud", "fog", "edge"];

export interface WorkerpoolParameters {
  description: string;
  resourceClass?: ResourceClass;
  /** Free-form location tag, e.g. "eu-west/paris". */
  location?: string;
  /** Worker stake per contribution, in percent of the pool price (default 30). */
  workerStakeRatio?: number;
  /** Scheduler share of the pool price, in percent (default 20). */
  schedulerRewardRatio?: number;
  /** Hot key that signs worker authorizations; default: the owner. */
  scheduler?: string;
}

export type CreateWorkerpoolParameters = WorkerpoolParameters;

export interface CreateWorkerpoolReturnType extends TransactionInfo {
  workerpool: string;
  owner: string;
}

/**
 * Registers a worker pool owned by the signer.
 * @throws ContractError WorkerpoolRatioInvalid when a ratio exceeds 100.
 * @example const { workerpool } = await createWorkerpool(client, { description: "city fog" });
 */
export async function createWorkerpool(
  client: PolisClient,
  params: CreateWorkerpoolParameters,
): Promise<CreateWorkerpoolReturnType> {
  const { address } = await requireSigner(client, "Creating a workerpool");
  const full = toWorkerpoolParams(params);
  const workerpool = await predictWorkerpool(client, { owner: address, ...params });
  const receipt = await sendTransaction(client, () =>
    client.workerpoolRegistry.createWorkerpool(full),
  );
  return { ...transactionInfo(receipt), workerpool, owner: address };
}

/** The registry's WorkerpoolParams tuple with defaults. */
export function toWorkerpoolParams(params: WorkerpoolParameters) {
  const resourceClass = RESOURCE_CLASSES.indexOf(params.resourceClass ?? "cloud");
  if (resourceClass < 0) {
    throw new UserError(`Unknown resource class "${params.resourceClass}".`, {
      hint: "Use cloud, fog or edge.",
    });
  }
  return {
    description: params.description,
    resourceClass,
    location: params.location ?? "",
    workerStakeRatio: params.workerStakeRatio ?? 30,
    schedulerRewardRatio: params.schedulerRewardRatio ?? 20,
    scheduler: params.scheduler ?? ZeroAddress,
  };
}
