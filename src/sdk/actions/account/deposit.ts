import { AbiCoder } from "ethers";
import type { PolisClient } from "../../client.js";
import { requireSigner } from "../../internal/signer.js";
import { sendTransaction, transactionInfo } from "../../internal/send.js";
import type { TransactionInfo } from "../../internal/send.js";

export interface DepositParameters {
  /** Tokens to move from the wallet into the escrow (base units). */
  amount: bigint;
  /** Credit another account's escrow; default: the signer. */
  account?: string;
}

export interface DepositReturnType extends TransactionInfo {
  account: string;
  amount: bigint;
}

/**
 * Deposits tokens into the escrow in one transaction with ERC-1363 `transferAndCall` (no
 * approve). The amount becomes free stake usable by deals.
 * @throws ContractError ERC20InsufficientBalance when the wallet holds too few tokens.
 * @example await deposit(client, { amount: parseEther("10") });
 */
export async function deposit(
  client: PolisClient,
  params: DepositParameters,
): Promise<DepositReturnType> {
  const { address } = await requireSigner(client, "A deposit");
  const account = params.account ?? address;
  const data =
    account.toLowerCase() === address.toLowerCase()
      ? "0x"
      : AbiCoder.defaultAbiCoder().encode(["address"], [account]);
  const receipt = await sendTransaction(client, () =>
    client.token["transferAndCall(address,uint256,bytes)"](
      client.deployment.hub,
      params.amount,
      data,
    ),
  );
  return { ...transactionInfo(receipt), account, amount: params.amount };
}
