import type { Command } from "commander";
import { decodeTag } from "../../../core/index.js";
import { getDeal } from "../../../sdk/actions/deals/getDeal.js";
import { getDealTasks } from "../../../sdk/actions/deals/getDealTasks.js";
import type { GetDealTasksReturnType } from "../../../sdk/actions/deals/getDealTasks.js";
import { watchDeal } from "../../../sdk/actions/deals/watchDeal.js";
import { examples, handler } from "../../command.js";
import { date, polis, tags } from "../../format.js";
import type { CliIo } from "../../io.js";
import { keyValues } from "../../output.js";
import { parse } from "../../parse.js";

/** Registers `polis deal show` on its parent command. */
export function registerDealShow(group: Command, io: CliIo): void {
  const cmd = group
    .command("show")
    .description("show a deal (checked against the hub's hash) and its tasks")
    .argument("<dealId>", "deal id")
    .option("--watch", "follow the tasks until all are completed or failed")
    .option("--poll <ms>", "poll interval with --watch", "1000")
    .option("--timeout <duration>", "give up watching after this long (e.g. 10m)")
    .action(
      handler(
        io,
        async (ctx, dealId: string, opts: { watch?: boolean; poll: string; timeout?: string }) => {
          const client = await ctx.client();
          const info = await getDeal(client, { dealId });
          let tasks: GetDealTasksReturnType;
          if (opts.watch) {
            const progress = ctx.out.progress("Tasks done");
            tasks = await watchDeal(client, {
              dealId: info.dealId,
              deal: info.deal,
              pollIntervalMs: Number(parse.integer(opts.poll, "--poll", 10n)),
              timeoutMs: opts.timeout
                ? Number(parse.duration(opts.timeout, "--timeout")) * 1000
                : undefined,
              onProgress: (s) =>
                progress.update(
                  s.counts.completed + s.counts.failed,
                  s.tasks.length,
                  `(${s.counts.failed} failed)`,
                ),
            });
            progress.done();
          } else {
            tasks = await getDealTasks(client, { dealId: info.dealId, deal: info.deal });
          }
          const d = info.deal;
          ctx.out.result({ ...info, tags: decodeTag(d.tag), ...tasks }, () => [
            ...keyValues([
              ["deal", info.dealId],
              ["app", `${d.app} (${polis(d.appPrice)})`],
              [
                "dataset",
                d.dataset === "0x0000000000000000000000000000000000000000"
                  ? "none"
                  : `${d.dataset} (${polis(d.datasetPrice)})`,
              ],
              ["workerpool", `${d.workerpool} (${polis(d.workerpoolPrice)})`],
              ["requester", d.requester],
              ["beneficiary", d.beneficiary],
              ["tags", tags(d.tag)],
              ["category/trust", `${d.category} / ${d.trust}`],
              ["params", info.params],
              ["started", date(d.startTime)],
              ["final deadline", date(tasks.finalDeadline)],
              [
                "tasks",
                Object.entries(tasks.counts)
                  .filter(([, n]) => n > 0)
                  .map(([s, n]) => `${n} ${s}`)
                  .join(", "),
              ],
            ]),
            ...tasks.tasks.map((t) => `  #${t.index} ${t.taskId} ${t.status}`),
          ]);
        },
      ),
    );
  examples(cmd, ["polis deal show 0xDealId", "polis deal show 0xDealId --watch --timeout 10m"]);
}
