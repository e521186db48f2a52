import type { ContractTransactionReceipt, ContractTransactionResponse } from "ethers";
import { ServiceError } from "../../core/errors/index.js";
import type { PolisClient } from "../client.js";
import { toPolisError } from "../errors/index.js";

/** What every write action returns about its transaction. */
export interface TransactionInfo {
  txHash: string;
  blockNumber: number;
  gasUsed: bigint;
}

/**
 * Sends a contract transaction and waits for it to be mined. Reverts (at estimation or on-chain)
 * become ContractErrors; network failures become ServiceErrors.
 */
export async function sendTransaction(
  client: PolisClient,
  send: () => Promise<ContractTransactionResponse>,
): Promise<ContractTransactionReceipt> {
  const sender = client.signer ? await client.signer.getAddress() : undefined;
  let receipt: ContractTransactionReceipt | null;
  try {
    const tx = await send();
    receipt = await tx.wait();
  } catch (error) {
    throw toPolisError(error, { sender });
  }
  if (!receipt) throw new ServiceError("The transaction was dropped before being mined.");
  return receipt;
}

/** txHash, block and gas of a receipt. */
export function transactionInfo(receipt: ContractTransactionReceipt): TransactionInfo {
  return { txHash: receipt.hash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed };
}

/** Runs a read call, mapping failures like {@link sendTransaction}. */
export async function read<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toPolisError(error);
  }
}
