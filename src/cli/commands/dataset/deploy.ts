import type { Command } from "commander";
import { UserError } from "../../../core/errors/index.js";
import { createDataset } from "../../../sdk/actions/assets/createDataset.js";
import { inspectDatasetFile } from "../../../sdk/actions/datasets/inspectDatasetFile.js";
import { examples, handler } from "../../command.js";
import type { CliIo } from "../../io.js";
import { keyValues } from "../../output.js";
import { parse } from "../../parse.js";

/** Registers `polis dataset deploy` on its parent command. */
export function registerDatasetDeploy(group: Command, io: CliIo): void {
  const cmd = group
    .command("deploy")
    .description("register an encrypted dataset (checksum computed from the encrypted file)")
    .requiredOption("--name <name>", "dataset name")
    .requiredOption("--uri <uri>", "where workers download the encrypted file")
    .option("--file <file>", "the encrypted file (from `dataset encrypt`)")
    .option("--checksum <0x..>", "sha256 of the encrypted file, when not passing --file")
    .action(
      handler(
        io,
        async (ctx, opts: { name: string; uri: string; file?: string; checksum?: string }) => {
          const checksum = opts.file
            ? (await inspectDatasetFile(opts.file)).checksum
            : opts.checksum
              ? parse.bytes32(opts.checksum, "--checksum")
              : undefined;
          if (!checksum) {
            throw new UserError("A dataset needs a checksum.", {
              hint: "Pass --file <encrypted file> or --checksum.",
            });
          }
          const client = await ctx.signerClient();
          const result = await createDataset(client, { name: opts.name, uri: opts.uri, checksum });
          ctx.out.result({ ...result, checksum }, () => [
            `Deployed dataset ${result.dataset}`,
            ...keyValues([
              ["owner", result.owner],
              ["checksum", checksum],
              ["tx", result.txHash],
            ]),
            `Next: \`polis dataset push-secret ${result.dataset} --key <key file>\`, then \`polis dataset publish\`.`,
          ]);
        },
      ),
    );
  examples(cmd, [
    "polis dataset deploy --name vitals --uri https://data.example/vitals.enc --file vitals.csv.enc",
  ]);
}
