import type { Command } from "commander";
import { grantDatasetUse } from "../../../sdk/actions/grants/grantDatasetUse.js";
import { requireGrants } from "../../../sdk/actions/grants/requireGrants.js";
import { chainTime } from "../../../sdk/actions/orders/defaults.js";
import { examples, handler } from "../../command.js";
import { date } from "../../format.js";
import type { CliIo } from "../../io.js";
import { parse } from "../../parse.js";

interface GrantFlags {
  app: string;
  requester?: string;
  uses: string;
  expiresIn: string;
  require?: boolean;
}

/** Registers `polis dataset grant` on its parent command. */
export function registerDatasetGrant(group: Command, io: CliIo): void {
  const cmd = group
    .command("grant")
    .description("allow an app (for one requester or anyone) a number of uses of the dataset")
    .argument("<dataset>", "dataset address")
    .requiredOption("--app <address>", "the app allowed")
    .option("--requester <address>", "only this requester (default: anyone)")
    .option("--uses <n>", "task executions allowed", "1")
    .option("--expires-in <duration>", "grant lifetime: 15m, 2h, 30d", "30d")
    .option("--require", "also make grants mandatory for this dataset")
    .action(
      handler(io, async (ctx, dataset: string, opts: GrantFlags) => {
        const client = await ctx.signerClient();
        const expiry = (await chainTime(client)) + parse.duration(opts.expiresIn, "--expires-in");
        if (opts.require) await requireGrants(client, { dataset, required: true });
        const result = await grantDatasetUse(client, {
          dataset,
          app: parse.address(opts.app, "--app"),
          requester: parse.optionalAddress(opts.requester, "--requester"),
          uses: parse.integer(opts.uses, "--uses", 1n),
          expiry,
        });
        ctx.out.result(
          { ...result, expiry, required: opts.require === true },
          () =>
            `Granted ${opts.uses} use(s) of ${dataset} to app ${opts.app} for ${opts.requester ?? "any requester"} until ${date(expiry)} (key ${result.grantKey}).`,
        );
      }),
    );
  examples(cmd, [
    "polis dataset grant 0xDataset --app 0xApp --uses 10 --expires-in 7d --require",
    "polis dataset grant 0xDataset --app 0xApp --requester 0xResearcher --uses 1",
  ]);
}
