import type { Command } from "commander";
import { createWallet } from "../../../sdk/actions/wallet/createWallet.js";
import { examples, handler } from "../../command.js";
import type { CliIo } from "../../io.js";
import { scryptCost } from "../../scrypt.js";

/** Registers `polis wallet create` on its parent command. */
export function registerWalletCreate(group: Command, io: CliIo): void {
  const cmd = group
    .command("create")
    .description("create a new key in an encrypted JSON keystore (the --wallet path)")
    .option("--force", "replace an existing keystore (its key is lost unless backed up)")
    .action(
      handler(io, async (ctx, opts: { force?: boolean }) => {
        const path = (await ctx.settings()).wallet;
        const password = await ctx.newPassword();
        const made = await createWallet({
          path,
          password,
          scryptN: scryptCost(io),
          overwrite: opts.force,
        });
        ctx.out.result(made, () => [`Created wallet ${made.address}`, `Keystore: ${made.path}`]);
      }),
    );
  examples(cmd, [
    "POLIS_PASSWORD=... polis wallet create",
    "polis wallet create --wallet ./alice.json",
  ]);
}
