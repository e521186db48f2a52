import { contributionDeadline, finalDeadline, taskIds } from "../../../core/index.js";
import type { Deal } from "../../../core/index.js";
import type { PolisClient } from "../../client.js";
import { read } from "../../internal/send.js";
import { taskStatusName } from "../tasks/status.js";
import type { TaskStatusName } from "../tasks/status.js";
import { getDeal } from "./getDeal.js";

export interface GetDealTasksParameters {
  dealId: string;
  /** The deal, when already loaded (saves the event lookup). */
  deal?: Deal;
}

export interface DealTask {
  index: bigint;
  taskId: string;
  status: TaskStatusName;
  resultDigest: string;
  contributors: number;
}

export interface GetDealTasksReturnType {
  dealId: string;
  tasks: DealTask[];
  counts: Record<TaskStatusName, number>;
  contributionDeadline: bigint;
  finalDeadline: bigint;
}

/**
 * Every task of a deal with its on-chain status, plus counts per status and the deadlines.
 * @example const { counts } = await getDealTasks(client, { dealId });
 */
export async function getDealTasks(
  client: PolisClient,
  params: GetDealTasksParameters,
): Promise<GetDealTasksReturnType> {
  const deal = params.deal ?? (await getDeal(client, { dealId: params.dealId })).deal;
  const ids = taskIds(deal, params.dealId);
  const views = await read(() => Promise.all(ids.map((id) => client.taskManager.taskOf(id))));
  const counts = { unset: 0, active: 0, revealing: 0, completed: 0, failed: 0 };
  const tasks = ids.map((taskId, i) => {
    const status = taskStatusName(views[i].status);
    counts[status]++;
    return {
      index: deal.botFirst + BigInt(i),
      taskId,
      status,
      resultDigest: views[i].resultDigest,
      contributors: Number(views[i].contributorCount),
    };
  });
  return {
    dealId: params.dealId,
    tasks,
    counts,
    contributionDeadline: contributionDeadline(deal),
    finalDeadline: finalDeadline(deal),
  };
}
