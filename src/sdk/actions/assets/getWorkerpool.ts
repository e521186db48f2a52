import { ZeroAddress } from "ethers";
import type { PolisClient } from "../../client.js";
import { AssetNotFoundError } from "../../errors/index.js";
import { findEvents } from "../../internal/logs.js";
import { read } from "../../internal/send.js";
import { parseAddress } from "../../internal/values.js";
import { RESOURCE_CLASSES, type ResourceClass } from "./createWorkerpool.js";
import { zeroPadAddress } from "./getApp.js";

export interface GetWorkerpoolParameters {
  workerpool: string;
}

export interface GetWorkerpoolReturnType {
  workerpool: string;
  owner: string;
  /** Effective scheduler key (the owner when none is delegated). */
  scheduler: string;
  resourceClass: ResourceClass;
  workerStakeRatio: number;
  schedulerRewardRatio: number;
  description: string;
  location: string;
  createdAtBlock: number;
  createdInTx: string;
}

/**
 * Reads a worker pool: owner, scheduler, class and current ratios from storage, description and
 * location from its creation event.
 * @throws AssetNotFoundError when no pool is registered at that address.
 * @example const { scheduler } = await getWorkerpool(client, { workerpool });
 */
export async function getWorkerpool(
  client: PolisClient,
  params: GetWorkerpoolParameters,
): Promise<GetWorkerpoolReturnType> {
  const workerpool = parseAddress(params.workerpool, "workerpool");
  const [info, record] = await read(() =>
    Promise.all([
      client.workerpoolRegistry.workerpoolInfo(workerpool),
      client.workerpoolRegistry.workerpoolRecord(workerpool),
    ]),
  );
  if (info.owner === ZeroAddress) throw new AssetNotFoundError("workerpool", workerpool);
  const [created] = await findEvents(
    client,
    client.workerpoolRegistry.interface,
    client.deployment.workerpoolRegistry,
    "WorkerpoolCreated",
    [zeroPadAddress(workerpool)],
  );
  return {
    workerpool,
    owner: info.owner,
    scheduler: info.scheduler,
    resourceClass: RESOURCE_CLASSES[Number(record.resourceClass)] ?? "cloud",
    workerStakeRatio: Number(info.workerStakeRatio),
    schedulerRewardRatio: Number(info.schedulerRewardRatio),
    description: created?.event.args.description ?? "",
    location: created?.event.args.location ?? "",
    createdAtBlock: created?.log.blockNumber ?? 0,
    createdInTx: created?.log.transactionHash ?? "",
  };
}
