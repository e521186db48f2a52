import type { Command } from "commander";
import { getTask } from "../../../sdk/actions/tasks/getTask.js";
import { examples, handler } from "../../command.js";
import { date } from "../../format.js";
import type { CliIo } from "../../io.js";
import { keyValues } from "../../output.js";

/** Registers `polis task show` on its parent command. */
export function registerTaskShow(group: Command, io: CliIo): void {
  const cmd = group
    .command("show")
    .description("show a task: status, deal, deadlines, result pointer and proofs")
    .argument("<taskId>", "task id")
    .option("--deal <dealId>", "its deal (needed only for tasks not started yet)")
    .action(
      handler(io, async (ctx, taskId: string, opts: { deal?: string }) => {
        const task = await getTask(await ctx.client(), { taskId, dealId: opts.deal });
        const { deal: _deal, ...rest } = task;
        const c = task.completion;
        ctx.out.result(rest, () =>
          keyValues([
            ["task", task.taskId],
            ["status", task.status + (task.claimable ? " (claimable)" : "")],
            ["deal", `${task.dealId} #${task.index}`],
            ["contribution deadline", date(task.contributionDeadline)],
            ["final deadline", date(task.finalDeadline)],
            ["result digest", c?.resultDigest],
            ["result", c?.resultUrl ?? (c ? c.results : undefined)],
            ["worker", c?.worker],
            ["enclave", c?.enclave],
            ["receipt hash", c?.receiptHash],
            ["completed", c ? `block ${c.blockNumber}, tx ${c.txHash}` : undefined],
          ]),
        );
      }),
    );
  examples(cmd, ["polis task show 0xTaskId", "polis task show 0xTaskId --json"]);
}
