import type { Command } from "commander";
import { withdraw } from "../../../sdk/actions/account/withdraw.js";
import { examples, handler } from "../../command.js";
import { polis } from "../../format.js";
import type { CliIo } from "../../io.js";
import { parse } from "../../parse.js";

/** Registers `polis account withdraw` on its parent command. */
export function registerWithdraw(group: Command, io: CliIo): void {
  const cmd = group
    .command("withdraw")
    .description("send free escrow balance back to the wallet")
    .argument("<amount>", "POLIS amount")
    .option("--to <address>", "send the tokens elsewhere")
    .action(
      handler(io, async (ctx, amount: string, opts: { to?: string }) => {
        const value = parse.amount(amount, "amount");
        const client = await ctx.signerClient();
        const result = await withdraw(client, {
          amount: value,
          to: parse.optionalAddress(opts.to, "--to"),
        });
        ctx.out.result(
          result,
          () => `Withdrew ${polis(value)} to ${result.to} (tx ${result.txHash}).`,
        );
      }),
    );
  examples(cmd, ["polis account withdraw 10", "polis account withdraw 10 --to 0xabc..."]);
}
