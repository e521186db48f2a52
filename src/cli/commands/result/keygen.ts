import type { Command } from "commander";
import { generateResultKey } from "../../../sdk/actions/results/generateResultKey.js";
import { examples, handler } from "../../command.js";
import type { CliIo } from "../../io.js";
import { resolveFrom } from "../../config.js";

/** Registers `polis result keygen` on its parent command. */
export function registerResultKeygen(group: Command, io: CliIo): void {
  const cmd = group
    .command("keygen")
    .description("create the X25519 key results are encrypted to (private key stays local)")
    .option("--out <file>", "private key file (default: resultKey of polis.json)")
    .option("--force", "replace an existing key")
    .action(
      handler(io, async (ctx, opts: { out?: string; force?: boolean }) => {
        const path = opts.out ? resolveFrom(io.cwd, opts.out) : (await ctx.settings()).resultKey;
        const result = await generateResultKey({ path, overwrite: opts.force });
        ctx.out.result(result, () => [
          `Wrote the result key to ${result.path} (mode 0600).`,
          `Public key: ${result.publicKey}`,
          "Next: `polis result push-key` so enclaves encrypt your results to it.",
        ]);
      }),
    );
  examples(cmd, ["polis result keygen", "polis result keygen --out keys/results.pem"]);
}
