import type { Command } from "commander";
import { decryptDatasetFile } from "../../../sdk/actions/datasets/decryptDatasetFile.js";
import { examples, handler } from "../../command.js";
import type { CliIo } from "../../io.js";

/** Registers `polis dataset decrypt` on its parent command. */
export function registerDatasetDecrypt(group: Command, io: CliIo): void {
  const cmd = group
    .command("decrypt")
    .description("decrypt a Polis dataset file with its key (to check it before publishing)")
    .argument("<file>", "the encrypted dataset")
    .requiredOption("--key <file>", "key file written by `dataset encrypt`")
    .requiredOption("--out <file>", "where to write the plain data")
    .action(
      handler(io, async (ctx, file: string, opts: { key: string; out: string }) => {
        const result = await decryptDatasetFile({
          input: file,
          keyPath: opts.key,
          output: opts.out,
        });
        ctx.out.result(
          result,
          () => `Decrypted ${file} into ${result.output} (${result.size} bytes).`,
        );
      }),
    );
  examples(cmd, ["polis dataset decrypt vitals.csv.enc --key vitals.csv.enc.key --out check.csv"]);
}
