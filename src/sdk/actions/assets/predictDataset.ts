import type { PolisClient } from "../../client.js";
import { read } from "../../internal/send.js";
import type { DatasetParameters } from "./createDataset.js";

export interface PredictDatasetParameters extends DatasetParameters {
  owner: string;
}

/**
 * The address a dataset will get when `owner` registers these params.
 * @example const dataset = await predictDataset(client, { owner, name, uri, checksum });
 */
export async function predictDataset(
  client: PolisClient,
  params: PredictDatasetParameters,
): Promise<string> {
  return read(() =>
    client.datasetRegistry.predictDataset(params.owner, {
      name: params.name,
      uri: params.uri,
      checksum: params.checksum,
    }),
  );
}
