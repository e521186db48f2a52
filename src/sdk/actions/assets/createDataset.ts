import type { PolisClient } from "../../client.js";
import { requireSigner } from "../../internal/signer.js";
import { sendTransaction, transactionInfo } from "../../internal/send.js";
import type { TransactionInfo } from "../../internal/send.js";
import { predictDataset } from "./predictDataset.js";

export interface DatasetParameters {
  name: string;
  /** Where workers fetch the encrypted file. */
  uri: string;
  /** sha256 of the encrypted file (docs/PROTOCOLS.md §1). */
  checksum: string;
}

export type CreateDatasetParameters = DatasetParameters;

export interface CreateDatasetReturnType extends TransactionInfo {
  dataset: string;
  owner: string;
}

/**
 * Registers an encrypted dataset owned by the signer.
 * @throws ContractError RegistryAssetExists when the same owner registered the same content.
 * @example
 * const { file, checksum } = encryptDataset(plain);
 * const { dataset } = await createDataset(client, { name: "vitals", uri, checksum });
 */
export async function createDataset(
  client: PolisClient,
  params: CreateDatasetParameters,
): Promise<CreateDatasetReturnType> {
  const { address } = await requireSigner(client, "Creating a dataset");
  const full = { name: params.name, uri: params.uri, checksum: params.checksum };
  const dataset = await predictDataset(client, { owner: address, ...full });
  const receipt = await sendTransaction(client, () => client.datasetRegistry.createDataset(full));
  return { ...transactionInfo(receipt), dataset, owner: address };
}
