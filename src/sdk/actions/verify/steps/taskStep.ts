import { getTask } from "../../tasks/getTask.js";
import type { VerifyStep } from "../types.js";

/** The task exists, is COMPLETED, and its TaskCompleted event is found. */
export const taskStep: VerifyStep = {
  id: "task",
  title: "Task completed on-chain",
  async run(ctx) {
    const task = await getTask(ctx.client, { taskId: ctx.taskId });
    ctx.task = task;
    if (task.status !== "completed") {
      return { status: "fail", detail: `The task is ${task.status}, not completed.` };
    }
    if (!task.completion) {
      return { status: "fail", detail: "The task is completed but no TaskCompleted event exists." };
    }
    return {
      status: "pass",
      detail: `Task ${task.index} of deal ${task.dealId} completed in block ${task.completion.blockNumber} by worker ${task.completion.worker}.`,
      data: {
        dealId: task.dealId,
        index: task.index,
        worker: task.completion.worker,
        resultDigest: task.completion.resultDigest,
        txHash: task.completion.txHash,
      },
    };
  },
};
