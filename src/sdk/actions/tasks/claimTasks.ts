import type { PolisClient } from "../../client.js";
import { requireSigner } from "../../internal/signer.js";
import { sendTransaction, transactionInfo } from "../../internal/send.js";
import type { TransactionInfo } from "../../internal/send.js";
import { getDeal } from "../deals/getDeal.js";
import { getDealTasks } from "../deals/getDealTasks.js";
import { isFinal } from "./status.js";

export interface ClaimTasksParameters {
  dealId: string;
  /** Task indices to claim; default: every task of the deal not completed or failed. */
  indices?: bigint[];
  /** Tasks per transaction (default 50). */
  batchSize?: number;
  /** Called after each batch. */
  onProgress?: (claimed: number, total: number) => void;
}

export interface ClaimTasksReturnType {
  dealId: string;
  claimed: bigint[];
  transactions: TransactionInfo[];
}

/**
 * Claims (fails and refunds) the unfinished tasks of a deal after its final deadline, in
 * batches of `claimBatch` transactions.
 * @throws ContractError TaskFinalDeadlineNotReached before the deadline.
 * @example const { claimed } = await claimTasks(client, { dealId });
 */
export async function claimTasks(
  client: PolisClient,
  params: ClaimTasksParameters,
): Promise<ClaimTasksReturnType> {
  await requireSigner(client, "Claiming tasks");
  const { deal } = await getDeal(client, { dealId: params.dealId });
  const indices =
    params.indices ??
    (await getDealTasks(client, { dealId: params.dealId, deal })).tasks
      .filter((t) => !isFinal(t.status))
      .map((t) => t.index);
  const size = params.batchSize ?? 50;
  const transactions: TransactionInfo[] = [];
  for (let i = 0; i < indices.length; i += size) {
    const batch = indices.slice(i, i + size);
    const receipt = await sendTransaction(client, () =>
      batch.length === 1
        ? client.taskManager.claim(params.dealId, deal, batch[0])
        : client.taskManager.claimBatch(params.dealId, deal, batch),
    );
    transactions.push(transactionInfo(receipt));
    params.onProgress?.(Math.min(i + size, indices.length), indices.length);
  }
  return { dealId: params.dealId, claimed: indices, transactions };
}
