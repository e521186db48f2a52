import { toUtf8String } from "ethers";
import {
  finalDeadline,
  contributionDeadline,
  taskId as computeTaskId,
} from "../../../core/index.js";
import type { Deal } from "../../../core/index.js";
import type { PolisClient } from "../../client.js";
import { TaskNotFoundError, toPolisError } from "../../errors/index.js";
import { read } from "../../internal/send.js";
import { parseBytes32 } from "../../internal/values.js";
import { getDeal } from "../deals/getDeal.js";
import { chainTime } from "../orders/defaults.js";
import { taskStatusName } from "./status.js";
import type { TaskStatusName } from "./status.js";

export interface GetTaskParameters {
  taskId: string;
  /** The task's deal, needed only for tasks that have not started yet. */
  dealId?: string;
}

/** What the TaskCompleted event says about the result. */
export interface TaskCompletion {
  worker: string;
  enclave: string;
  resultDigest: string;
  receiptHash: string;
  /** The `results` bytes (hex) and, when they are UTF-8, the URL they spell. */
  results: string;
  resultUrl?: string;
  blockNumber: number;
  txHash: string;
}

export interface GetTaskReturnType {
  taskId: string;
  status: TaskStatusName;
  dealId: string;
  deal: Deal;
  index: bigint;
  resultDigest: string;
  consensusHash: string;
  contributors: string[];
  contributionDeadline: bigint;
  finalDeadline: bigint;
  /** Not completed or failed, and past the final deadline. */
  claimable: boolean;
  completion?: TaskCompletion;
  failedAtBlock?: number;
}

/**
 * A task's on-chain status, deal, index, deadlines and, once completed, the result pointer and
 * proofs from its TaskCompleted event.
 * @throws TaskNotFoundError when nothing on-chain mentions the task and no deal is given.
 * @example const { status, completion } = await getTask(client, { taskId });
 */
export async function getTask(
  client: PolisClient,
  params: GetTaskParameters,
): Promise<GetTaskReturnType> {
  const taskId = parseBytes32(params.taskId, "task id");
  const tm = client.taskManager;
  const names = ["TaskInitialized", "TaskCompleted", "TaskFailed"] as const;
  const topics = names.map((n) => tm.interface.getEvent(n)!.topicHash);
  const [view, contributors, logs] = await Promise.all([
    read(() => tm.taskOf(taskId)),
    read(() => tm.contributorsOf(taskId)),
    read(() =>
      client.provider.getLogs({
        address: client.deployment.taskManager,
        fromBlock: client.deployment.startBlock ?? 0,
        toBlock: "latest",
        topics: [topics, taskId],
      }),
    ).catch((e: unknown) => {
      throw toPolisError(e);
    }),
  ]);
  const events = logs.map((log) => ({ log, event: tm.interface.parseLog(log)! }));
  const dealId =
    params.dealId ??
    (events.find((e) => e.event.args.dealId !== undefined)?.event.args.dealId as
      string | undefined);
  if (!dealId) throw new TaskNotFoundError(taskId);
  const { deal } = await getDeal(client, { dealId });
  const index = indexOf(deal, dealId, taskId);
  const status = taskStatusName(view.status);
  const completed = events.find((e) => e.event.name === "TaskCompleted");
  const failed = events.find((e) => e.event.name === "TaskFailed");
  const final = finalDeadline(deal);
  const now = await chainTime(client);
  return {
    taskId,
    status,
    dealId,
    deal,
    index,
    resultDigest: view.resultDigest,
    consensusHash: view.consensusHash,
    contributors: [...contributors],
    contributionDeadline: contributionDeadline(deal),
    finalDeadline: final,
    claimable: status !== "completed" && status !== "failed" && now >= final,
    completion: completed && {
      worker: completed.event.args.worker as string,
      enclave: completed.event.args.enclave as string,
      resultDigest: completed.event.args.resultDigest as string,
      receiptHash: completed.event.args.receiptHash as string,
      results: completed.event.args.results as string,
      resultUrl: utf8(completed.event.args.results as string),
      blockNumber: completed.log.blockNumber,
      txHash: completed.log.transactionHash,
    },
    failedAtBlock: failed?.log.blockNumber,
  };
}

/** Index of `taskId` in the deal's bag of tasks. */
export function indexOf(deal: Deal, dealId: string, taskId: string): bigint {
  for (let i = deal.botFirst; i < deal.botFirst + deal.botSize; i++) {
    if (computeTaskId(dealId, i) === taskId) return i;
  }
  throw new TaskNotFoundError(taskId, `It is not a task of deal ${dealId}.`);
}

function utf8(hex: string): string | undefined {
  if (hex === "0x") return undefined;
  try {
    return toUtf8String(hex);
  } catch {
    return undefined;
  }
}
