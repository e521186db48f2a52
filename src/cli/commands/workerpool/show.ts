import type { Command } from "commander";
import { getWorkerpool } from "../../../sdk/actions/assets/getWorkerpool.js";
import { examples, handler } from "../../command.js";
import type { CliIo } from "../../io.js";
import { keyValues } from "../../output.js";

/** Registers `polis workerpool show` on its parent command. */
export function registerWorkerpoolShow(group: Command, io: CliIo): void {
  const cmd = group
    .command("show")
    .description("show a worker pool: owner, scheduler, class, ratios, description")
    .argument("<workerpool>", "workerpool address")
    .action(
      handler(io, async (ctx, workerpool: string) => {
        const info = await getWorkerpool(await ctx.client(), { workerpool });
        ctx.out.result(info, () =>
          keyValues([
            ["workerpool", info.workerpool],
            ["description", info.description],
            ["class", info.resourceClass],
            ["location", info.location || "-"],
            ["owner", info.owner],
            ["scheduler", info.scheduler],
            ["worker stake", `${info.workerStakeRatio}%`],
            ["scheduler reward", `${info.schedulerRewardRatio}%`],
            ["created", `block ${info.createdAtBlock}, tx ${info.createdInTx}`],
          ]),
        );
      }),
    );
  examples(cmd, ["polis workerpool show 0xPool"]);
}
