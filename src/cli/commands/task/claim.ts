import type { Command } from "commander";
import { claimTask } from "../../../sdk/actions/tasks/claimTask.js";
import { examples, handler } from "../../command.js";
import type { CliIo } from "../../io.js";

/** Registers `polis task claim` on its parent command. */
export function registerTaskClaim(group: Command, io: CliIo): void {
  const cmd = group
    .command("claim")
    .description("refund an unfinished task after its final deadline")
    .argument("<taskId>", "task id")
    .option("--deal <dealId>", "its deal (needed only for tasks not started yet)")
    .action(
      handler(io, async (ctx, taskId: string, opts: { deal?: string }) => {
        const client = await ctx.signerClient();
        const result = await claimTask(client, { taskId, dealId: opts.deal });
        ctx.out.result(
          result,
          () => `Claimed task ${result.taskId}: the sponsor is refunded (tx ${result.txHash}).`,
        );
      }),
    );
  examples(cmd, ["polis task claim 0xTaskId --deal 0xDealId"]);
}
