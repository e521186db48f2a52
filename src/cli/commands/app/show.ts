import type { Command } from "commander";
import { getApp } from "../../../sdk/actions/assets/getApp.js";
import { examples, handler } from "../../command.js";
import type { CliIo } from "../../io.js";
import { keyValues } from "../../output.js";

/** Registers `polis app show` on its parent command. */
export function registerAppShow(group: Command, io: CliIo): void {
  const cmd = group
    .command("show")
    .description("show an app: owner, checksum, measurement, name and URI")
    .argument("<app>", "app address")
    .action(
      handler(io, async (ctx, app: string) => {
        const info = await getApp(await ctx.client(), { app });
        ctx.out.result(info, () =>
          keyValues([
            ["app", info.app],
            ["name", info.name],
            ["uri", info.uri],
            ["owner", info.owner],
            ["checksum", info.checksum],
            ["mrenclave", info.tee ? info.mrenclave : "none (not a TEE app)"],
            ["config hash", info.tee ? info.enclaveConfigHash : undefined],
            ["created", `block ${info.createdAtBlock}, tx ${info.createdInTx}`],
          ]),
        );
      }),
    );
  examples(cmd, ["polis app show 0xApp", "polis app show 0xApp --json"]);
}
