import type { PolisClient } from "../../client.js";
import { parseAddress } from "../../internal/values.js";
import { sendTransaction, transactionInfo } from "../../internal/send.js";
import type { TransactionInfo } from "../../internal/send.js";
import { requireSigner } from "../../internal/signer.js";

export interface RequireGrantsParameters {
  dataset: string;
  /** true: every use needs a live grant (default); false: dataset orders suffice. */
  required?: boolean;
}

/**
 * Makes matching (and the SMS) require a live grant per (app, requester) for every use of a
 * dataset. Dataset owner only.
 * @throws ContractError GrantNotDatasetOwner
 * @example await requireGrants(client, { dataset });
 */
export async function requireGrants(
  client: PolisClient,
  params: RequireGrantsParameters,
): Promise<TransactionInfo & { dataset: string; required: boolean }> {
  await requireSigner(client, "Changing a dataset's grant policy");
  const dataset = parseAddress(params.dataset, "dataset");
  const required = params.required ?? true;
  const receipt = await sendTransaction(client, () =>
    client.hub.setGrantsRequired(dataset, required),
  );
  return { ...transactionInfo(receipt), dataset, required };
}
