import type { Command } from "commander";
import { requireGrants } from "../../../sdk/actions/grants/requireGrants.js";
import { examples, handler } from "../../command.js";
import type { CliIo } from "../../io.js";

/** Registers `polis dataset require-grants` on its parent command. */
export function registerDatasetRequireGrants(group: Command, io: CliIo): void {
  const cmd = group
    .command("require-grants")
    .description("make every use of the dataset need a live grant (or stop requiring it)")
    .argument("<dataset>", "dataset address")
    .option("--off", "stop requiring grants")
    .action(
      handler(io, async (ctx, dataset: string, opts: { off?: boolean }) => {
        const client = await ctx.signerClient();
        const result = await requireGrants(client, { dataset, required: !opts.off });
        ctx.out.result(result, () =>
          result.required
            ? `Dataset ${dataset} now requires grants.`
            : `Dataset ${dataset} no longer requires grants.`,
        );
      }),
    );
  examples(cmd, [
    "polis dataset require-grants 0xDataset",
    "polis dataset require-grants 0xDataset --off",
  ]);
}
