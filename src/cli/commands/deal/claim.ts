import type { Command } from "commander";
import { getDeal } from "../../../sdk/actions/deals/getDeal.js";
import { watchDeal } from "../../../sdk/actions/deals/watchDeal.js";
import { claimTasks } from "../../../sdk/actions/tasks/claimTasks.js";
import { examples, handler } from "../../command.js";
import { date } from "../../format.js";
import type { CliIo } from "../../io.js";
import { parse } from "../../parse.js";

/** Registers `polis deal claim` on its parent command. */
export function registerDealClaim(group: Command, io: CliIo): void {
  const cmd = group
    .command("claim")
    .description("refund the unfinished tasks of a deal after its final deadline")
    .argument("<dealId>", "deal id")
    .option("--watch", "wait for the final deadline (or for every task to finish), then claim")
    .option("--poll <ms>", "poll interval with --watch", "1000")
    .option("--batch <n>", "tasks per transaction", "50")
    .action(
      handler(
        io,
        async (ctx, dealId: string, opts: { watch?: boolean; poll: string; batch: string }) => {
          const client = await ctx.signerClient();
          const info = await getDeal(client, { dealId });
          if (opts.watch) {
            const progress = ctx.out.progress("Waiting for the final deadline");
            const end = await watchDeal(client, {
              dealId: info.dealId,
              deal: info.deal,
              pollIntervalMs: Number(parse.integer(opts.poll, "--poll", 10n)),
              onProgress: (s) =>
                progress.update(
                  s.counts.completed + s.counts.failed,
                  s.tasks.length,
                  `done, deadline ${date(s.finalDeadline)}`,
                ),
            });
            progress.done();
            if (end.done) {
              ctx.out.result(
                { dealId: info.dealId, claimed: [], transactions: [] },
                () => "Every task finished: nothing to claim.",
              );
              return;
            }
          }
          const progress = ctx.out.progress("Claiming");
          const result = await claimTasks(client, {
            dealId: info.dealId,
            batchSize: Number(parse.integer(opts.batch, "--batch", 1n)),
            onProgress: (n, total) => progress.update(n, total),
          });
          progress.done();
          ctx.out.result(result, () =>
            result.claimed.length
              ? `Claimed ${result.claimed.length} task(s) of deal ${info.dealId}: the sponsor is refunded.`
              : "No unfinished task to claim.",
          );
        },
      ),
    );
  examples(cmd, ["polis deal claim 0xDealId", "polis deal claim 0xDealId --watch"]);
}
