import type { Command } from "commander";
import { getDataset } from "../../../sdk/actions/assets/getDataset.js";
import { getGrant } from "../../../sdk/actions/grants/getGrant.js";
import type { GetGrantReturnType } from "../../../sdk/actions/grants/getGrant.js";
import { examples, handler } from "../../command.js";
import { date } from "../../format.js";
import type { CliIo } from "../../io.js";
import { keyValues } from "../../output.js";

/** Registers `polis dataset show` on its parent command. */
export function registerDatasetShow(group: Command, io: CliIo): void {
  const cmd = group
    .command("show")
    .description("show a dataset (and a grant with --app)")
    .argument("<dataset>", "dataset address")
    .option("--app <address>", "show the grant of this app")
    .option("--requester <address>", "with --app: the grant for this requester")
    .action(
      handler(io, async (ctx, dataset: string, opts: { app?: string; requester?: string }) => {
        const client = await ctx.client();
        const info = await getDataset(client, { dataset });
        let grant: GetGrantReturnType | undefined;
        if (opts.app)
          grant = await getGrant(client, { dataset, app: opts.app, requester: opts.requester });
        ctx.out.result({ ...info, grant }, () =>
          keyValues([
            ["dataset", info.dataset],
            ["name", info.name],
            ["uri", info.uri],
            ["owner", info.owner],
            ["checksum", info.checksum],
            ["grants", info.grantsRequired ? "required" : "not required"],
            [
              "grant",
              grant
                ? grant.exists
                  ? `${grant.used}/${grant.uses} used, until ${date(grant.expiry)}${grant.revoked ? ", revoked" : ""}${grant.live ? ", live" : ", not live"}`
                  : "none"
                : undefined,
            ],
            ["created", `block ${info.createdAtBlock}, tx ${info.createdInTx}`],
          ]),
        );
      }),
    );
  examples(cmd, [
    "polis dataset show 0xDataset",
    "polis dataset show 0xDataset --app 0xApp --json",
  ]);
}
