import type { Command } from "commander";
import { getDataset } from "../../../sdk/actions/assets/getDataset.js";
import { readDatasetKey } from "../../../sdk/actions/datasets/decryptDatasetFile.js";
import { NotAssetOwnerError } from "../../../sdk/errors/index.js";
import { examples, handler } from "../../command.js";
import type { CliIo } from "../../io.js";

/** Registers `polis dataset push-secret` on its parent command. */
export function registerDatasetPushSecret(group: Command, io: CliIo): void {
  const cmd = group
    .command("push-secret")
    .description("push the dataset key to the SMS (released only to attested enclaves)")
    .argument("<dataset>", "dataset address")
    .requiredOption("--key <file>", "key file written by `dataset encrypt`")
    .action(
      handler(io, async (ctx, dataset: string, opts: { key: string }) => {
        const key = await readDatasetKey(opts.key);
        const client = await ctx.signerClient();
        const info = await getDataset(client, { dataset });
        const me = await client.signer!.getAddress();
        if (info.owner.toLowerCase() !== me.toLowerCase()) {
          throw new NotAssetOwnerError("dataset", info.dataset, info.owner, me);
        }
        const sms = await ctx.sms();
        const pushed = await sms.pushSecret({
          signer: client.signer!,
          kind: "dataset-key",
          target: info.dataset,
          value: key,
        });
        ctx.out.result(
          pushed,
          () => `Pushed the key of dataset ${info.dataset} to the SMS (${sms.url}).`,
        );
      }),
    );
  examples(cmd, ["polis dataset push-secret 0xDataset --key vitals.csv.enc.key"]);
}
