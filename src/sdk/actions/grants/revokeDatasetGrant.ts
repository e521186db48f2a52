import { ZeroAddress } from "ethers";
import type { PolisClient } from "../../client.js";
import { parseAddress } from "../../internal/values.js";
import { sendTransaction, transactionInfo } from "../../internal/send.js";
import type { TransactionInfo } from "../../internal/send.js";
import { requireSigner } from "../../internal/signer.js";

export interface RevokeDatasetGrantParameters {
  dataset: string;
  app: string;
  requester?: string;
}

/**
 * Revokes a dataset grant; matching and the SMS refuse it from now on. Dataset owner only.
 * @throws ContractError GrantMissing, GrantNotDatasetOwner
 * @example await revokeDatasetGrant(client, { dataset, app });
 */
export async function revokeDatasetGrant(
  client: PolisClient,
  params: RevokeDatasetGrantParameters,
): Promise<TransactionInfo> {
  await requireSigner(client, "Revoking a dataset grant");
  const dataset = parseAddress(params.dataset, "dataset");
  const app = parseAddress(params.app, "app");
  const requester = params.requester ? parseAddress(params.requester, "requester") : ZeroAddress;
  const receipt = await sendTransaction(client, () =>
    client.hub.revokeDatasetGrant(dataset, app, requester),
  );
  return transactionInfo(receipt);
}
