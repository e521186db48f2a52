import type { Command } from "commander";
import { revokeDatasetGrant } from "../../../sdk/actions/grants/revokeDatasetGrant.js";
import { examples, handler } from "../../command.js";
import type { CliIo } from "../../io.js";
import { parse } from "../../parse.js";

/** Registers `polis dataset revoke` on its parent command. */
export function registerDatasetRevoke(group: Command, io: CliIo): void {
  const cmd = group
    .command("revoke")
    .description("revoke a dataset grant (matching and the SMS refuse it from now on)")
    .argument("<dataset>", "dataset address")
    .requiredOption("--app <address>", "the app of the grant")
    .option(
      "--requester <address>",
      "the requester of the grant (default: the any-requester grant)",
    )
    .action(
      handler(io, async (ctx, dataset: string, opts: { app: string; requester?: string }) => {
        const client = await ctx.signerClient();
        const result = await revokeDatasetGrant(client, {
          dataset,
          app: parse.address(opts.app, "--app"),
          requester: parse.optionalAddress(opts.requester, "--requester"),
        });
        ctx.out.result(
          result,
          () => `Revoked the grant of app ${opts.app} on ${dataset} (tx ${result.txHash}).`,
        );
      }),
    );
  examples(cmd, ["polis dataset revoke 0xDataset --app 0xApp"]);
}
