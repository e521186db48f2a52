import type { Command } from "commander";
import { encryptDatasetFile } from "../../../sdk/actions/datasets/encryptDatasetFile.js";
import { examples, handler } from "../../command.js";
import type { CliIo } from "../../io.js";
import { keyValues } from "../../output.js";

/** Registers `polis dataset encrypt` on its parent command. */
export function registerDatasetEncrypt(group: Command, io: CliIo): void {
  const cmd = group
    .command("encrypt")
    .description("encrypt a file with AES-256-GCM under a fresh key; prints the checksum")
    .argument("<file>", "the plain dataset")
    .option("--out <file>", "encrypted file (default <file>.enc)")
    .option("--key-out <file>", "key file, mode 0600 (default <out>.key)")
    .action(
      handler(io, async (ctx, file: string, opts: { out?: string; keyOut?: string }) => {
        const result = await encryptDatasetFile({
          input: file,
          output: opts.out,
          keyOutput: opts.keyOut,
        });
        ctx.out.result(result, () => [
          ...keyValues([
            ["encrypted", `${result.output} (${result.size} bytes)`],
            [
              "key",
              `${result.keyPath} (keep it secret; push it with \`polis dataset push-secret\`)`,
            ],
            ["checksum", result.checksum],
          ]),
          `Next: publish ${result.output} somewhere workers can fetch it, then \`polis dataset deploy --file ${result.output} --uri <url> --name <name>\`.`,
        ]);
      }),
    );
  examples(cmd, [
    "polis dataset encrypt vitals.csv",
    "polis dataset encrypt vitals.csv --out data/vitals.enc",
  ]);
}
