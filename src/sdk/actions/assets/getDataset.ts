import { ZeroAddress } from "ethers";
import type { PolisClient } from "../../client.js";
import { AssetNotFoundError } from "../../errors/index.js";
import { findEvents } from "../../internal/logs.js";
import { read } from "../../internal/send.js";
import { parseAddress } from "../../internal/values.js";
import { zeroPadAddress } from "./getApp.js";

export interface GetDatasetParameters {
  dataset: string;
}

export interface GetDatasetReturnType {
  dataset: string;
  owner: string;
  /** sha256 of the encrypted file, from storage. */
  checksum: string;
  /** Whether matching requires a live grant per (app, requester). */
  grantsRequired: boolean;
  name: string;
  uri: string;
  createdAtBlock: number;
  createdInTx: string;
}

/**
 * Reads a dataset: owner, checksum and grant policy, plus name and URI from its creation event.
 * @throws AssetNotFoundError when no dataset is registered at that address.
 * @example const { checksum, uri } = await getDataset(client, { dataset });
 */
export async function getDataset(
  client: PolisClient,
  params: GetDatasetParameters,
): Promise<GetDatasetReturnType> {
  const dataset = parseAddress(params.dataset, "dataset");
  const [owner, checksum, grantsRequired] = await read(() =>
    Promise.all([
      client.datasetRegistry.ownerOfAsset(dataset),
      client.datasetRegistry.datasetChecksum(dataset),
      client.hub.grantsRequired(dataset),
    ]),
  );
  if (owner === ZeroAddress) throw new AssetNotFoundError("dataset", dataset);
  const [created] = await findEvents(
    client,
    client.datasetRegistry.interface,
    client.deployment.datasetRegistry,
    "DatasetCreated",
    [zeroPadAddress(dataset)],
  );
  return {
    dataset,
    owner,
    checksum,
    grantsRequired,
    name: created?.event.args.name ?? "",
    uri: created?.event.args.uri ?? "",
    createdAtBlock: created?.log.blockNumber ?? 0,
    createdInTx: created?.log.transactionHash ?? "",
  };
}
