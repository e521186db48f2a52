import type { PolisClient } from "../../client.js";
import { requireSigner } from "../../internal/signer.js";
import { sendTransaction, transactionInfo } from "../../internal/send.js";
import type { TransactionInfo } from "../../internal/send.js";
import { getTask } from "./getTask.js";

export interface ClaimTaskParameters {
  taskId: string;
  /** Needed when the task never started (no event names its deal yet). */
  dealId?: string;
}

export interface ClaimTaskReturnType extends TransactionInfo {
  taskId: string;
  dealId: string;
  index: bigint;
}

/**
 * Fails an unfinished task after its final deadline: the sponsor gets the task price back and
 * the pool's stake goes to the kitty. Anyone may call it.
 * @throws ContractError TaskFinalDeadlineNotReached before the deadline, TaskStatusInvalid
 * when the task already completed or failed.
 * @example await claimTask(client, { taskId, dealId });
 */
export async function claimTask(
  client: PolisClient,
  params: ClaimTaskParameters,
): Promise<ClaimTaskReturnType> {
  await requireSigner(client, "Claiming a task");
  const task = await getTask(client, params);
  const receipt = await sendTransaction(client, () =>
    client.taskManager.claim(task.dealId, task.deal, task.index),
  );
  return {
    ...transactionInfo(receipt),
    taskId: task.taskId,
    dealId: task.dealId,
    index: task.index,
  };
}
