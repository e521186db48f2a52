import type { PolisClient } from "../../client.js";
import { requireSigner } from "../../internal/signer.js";
import { sendTransaction, transactionInfo } from "../../internal/send.js";
import type { TransactionInfo } from "../../internal/send.js";

export interface WithdrawParameters {
  /** Free stake to send back as tokens (base units). */
  amount: bigint;
  /** Recipient of the tokens; default: the signer. */
  to?: string;
}

export interface WithdrawReturnType extends TransactionInfo {
  to: string;
  amount: bigint;
}

/**
 * Withdraws free stake from the escrow back to the wallet (or `to`).
 * @throws ContractError EscrowInsufficientBalance when the free stake is too low.
 * @example await withdraw(client, { amount: parseEther("5") });
 */
export async function withdraw(
  client: PolisClient,
  params: WithdrawParameters,
): Promise<WithdrawReturnType> {
  const { address } = await requireSigner(client, "A withdrawal");
  const to = params.to ?? address;
  const receipt = await sendTransaction(client, () =>
    to.toLowerCase() === address.toLowerCase()
      ? client.hub.withdraw(params.amount)
      : client.hub.withdrawTo(to, params.amount),
  );
  return { ...transactionInfo(receipt), to, amount: params.amount };
}
