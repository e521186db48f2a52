import { ZeroAddress } from "ethers";
import type { PolisClient } from "../../client.js";
import { parseAddress } from "../../internal/values.js";
import { sendTransaction, transactionInfo } from "../../internal/send.js";
import type { TransactionInfo } from "../../internal/send.js";
import { requireSigner } from "../../internal/signer.js";

export interface GrantDatasetUseParameters {
  dataset: string;
  app: string;
  /** Default: any requester. */
  requester?: string;
  /** Task executions allowed. */
  uses: bigint;
  /** Unix seconds. */
  expiry: bigint;
}

export interface GrantDatasetUseReturnType extends TransactionInfo {
  grantKey: string;
}

/**
 * Grants `app` (for `requester`, or anyone) `uses` executions on a dataset until `expiry`,
 * replacing any previous grant for the same key. Dataset owner only.
 * @throws ContractError GrantNotDatasetOwner, GrantParamsInvalid
 * @example await grantDatasetUse(client, { dataset, app, uses: 10n, expiry });
 */
export async function grantDatasetUse(
  client: PolisClient,
  params: GrantDatasetUseParameters,
): Promise<GrantDatasetUseReturnType> {
  await requireSigner(client, "Granting dataset use");
  const dataset = parseAddress(params.dataset, "dataset");
  const app = parseAddress(params.app, "app");
  const requester = params.requester ? parseAddress(params.requester, "requester") : ZeroAddress;
  const receipt = await sendTransaction(client, () =>
    client.hub.grantDatasetUse(dataset, app, requester, params.uses, params.expiry),
  );
  return {
    ...transactionInfo(receipt),
    grantKey: await client.hub.grantKey(dataset, app, requester),
  };
}
