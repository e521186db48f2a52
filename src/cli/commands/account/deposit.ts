import type { Command } from "commander";
import { deposit } from "../../../sdk/actions/account/deposit.js";
import { examples, handler } from "../../command.js";
import { polis } from "../../format.js";
import type { CliIo } from "../../io.js";
import { parse } from "../../parse.js";

/** Registers `polis account deposit` on its parent command. */
export function registerDeposit(group: Command, io: CliIo): void {
  const cmd = group
    .command("deposit")
    .description("move POLIS from the wallet into the escrow (one ERC-1363 transaction)")
    .argument("<amount>", 'POLIS amount, e.g. "10" or "0.5"')
    .option("--for <address>", "credit another account")
    .action(
      handler(io, async (ctx, amount: string, opts: { for?: string }) => {
        const value = parse.amount(amount, "amount");
        const client = await ctx.signerClient();
        const result = await deposit(client, {
          amount: value,
          account: parse.optionalAddress(opts.for, "--for"),
        });
        ctx.out.result(
          result,
          () => `Deposited ${polis(value)} for ${result.account} (tx ${result.txHash}).`,
        );
      }),
    );
  examples(cmd, ["polis account deposit 100", "polis account deposit 5 --for 0xabc..."]);
}
