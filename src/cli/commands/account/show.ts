import type { Command } from "commander";
import { getAccount } from "../../../sdk/actions/account/getAccount.js";
import { formatAmount } from "../../../sdk/internal/amounts.js";
import { examples, handler } from "../../command.js";
import { polis } from "../../format.js";
import type { CliIo } from "../../io.js";
import { keyValues } from "../../output.js";

/** Registers `polis account show` on its parent command. */
export function registerAccountShow(group: Command, io: CliIo): void {
  const cmd = group
    .command("show")
    .description("show escrow balances (free and locked), wallet tokens and gas")
    .argument("[address]", "account to show (default: the wallet)")
    .action(
      handler(io, async (ctx, address: string | undefined) => {
        const client = await ctx.client();
        const account = await getAccount(client, {
          address: address ?? (await ctx.walletAddress()),
        });
        ctx.out.result(account, () =>
          keyValues([
            ["address", account.address],
            ["free", polis(account.stake)],
            ["locked", polis(account.locked)],
            ["wallet", polis(account.tokenBalance)],
            ["gas", `${formatAmount(account.nativeBalance)} ETH`],
          ]),
        );
      }),
    );
  examples(cmd, [
    "polis account show",
    "polis account show 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --json",
  ]);
}
