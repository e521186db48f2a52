import type { Command } from "commander";
import { readResultKey } from "../../../sdk/actions/results/generateResultKey.js";
import { examples, handler } from "../../command.js";
import { resolveFrom } from "../../config.js";
import type { CliIo } from "../../io.js";

/** Registers `polis result push-key` on its parent command. */
export function registerResultPushKey(group: Command, io: CliIo): void {
  const cmd = group
    .command("push-key")
    .description("push the result public key to the SMS as the wallet's beneficiary key")
    .option("--key <file>", "private key file (default: resultKey of polis.json)")
    .action(
      handler(io, async (ctx, opts: { key?: string }) => {
        const path = opts.key ? resolveFrom(io.cwd, opts.key) : (await ctx.settings()).resultKey;
        const { publicKey } = await readResultKey(path);
        const client = await ctx.signerClient();
        const me = await client.signer!.getAddress();
        const sms = await ctx.sms();
        const pushed = await sms.pushSecret({
          signer: client.signer!,
          kind: "beneficiary-key",
          target: me,
          value: Buffer.from(publicKey, "base64"),
        });
        ctx.out.result(
          { ...pushed, publicKey },
          () => `Pushed the result key of ${me} to the SMS (${sms.url}).`,
        );
      }),
    );
  examples(cmd, ["polis result push-key"]);
}
