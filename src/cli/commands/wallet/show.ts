import type { Command } from "commander";
import { BaseError } from "../../../core/errors/index.js";
import { getAccount } from "../../../sdk/actions/account/getAccount.js";
import type { GetAccountReturnType } from "../../../sdk/actions/account/getAccount.js";
import { formatAmount } from "../../../sdk/internal/amounts.js";
import { examples, handler } from "../../command.js";
import { polis } from "../../format.js";
import type { CliIo } from "../../io.js";
import { keyValues } from "../../output.js";

/** Registers `polis wallet show` on its parent command. */
export function registerWalletShow(group: Command, io: CliIo): void {
  const cmd = group
    .command("show")
    .description("show the wallet address (no password needed) and its balances")
    .action(
      handler(io, async (ctx) => {
        const settings = await ctx.settings();
        const address = await ctx.walletAddress();
        let account: GetAccountReturnType | undefined;
        let chainError: string | undefined;
        try {
          account = await getAccount(await ctx.client(), { address });
        } catch (error) {
          if (!(error instanceof BaseError)) throw error;
          chainError = error.shortMessage;
        }
        ctx.out.result({ address, path: settings.wallet, ...(account ?? {}), chainError }, () =>
          keyValues([
            ["address", address],
            ["keystore", settings.wallet],
            ["gas", account ? `${formatAmount(account.nativeBalance)} ETH` : undefined],
            ["wallet", account ? polis(account.tokenBalance) : undefined],
            [
              "escrow",
              account ? `${polis(account.stake)} free, ${polis(account.locked)} locked` : undefined,
            ],
            ["chain", chainError],
          ]),
        );
      }),
    );
  examples(cmd, ["polis wallet show", "polis wallet show --json"]);
}
