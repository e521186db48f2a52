import type { Command } from "commander";
import { requestFaucet } from "../../../sdk/actions/account/requestFaucet.js";
import { formatAmount } from "../../../sdk/internal/amounts.js";
import { examples, handler } from "../../command.js";
import { polis } from "../../format.js";
import type { CliIo } from "../../io.js";
import { parse } from "../../parse.js";

/** Registers `polis faucet` (top level and under `polis account`). */
export function registerFaucet(parent: Command, io: CliIo): void {
  const cmd = parent
    .command("faucet")
    .description("mint POLIS to the wallet on a dev chain (and give an empty wallet gas money)")
    .argument("[amount]", "POLIS to mint (default: up to 1000)")
    .option("--to <address>", "mint to another address")
    .action(
      handler(io, async (ctx, amount: string | undefined, opts: { to?: string }) => {
        const client = await ctx.signerClient();
        const result = await requestFaucet(client, {
          amount: parse.optionalAmount(amount, "amount"),
          to: parse.optionalAddress(opts.to, "--to"),
        });
        ctx.out.result(result, () => [
          `Minted ${polis(result.amount)} to ${result.to}.`,
          ...(result.gasAdded > 0n
            ? [`Added ${formatAmount(result.gasAdded)} ETH for gas (dev chain).`]
            : []),
          "Next: `polis account deposit <amount>` to fund the escrow.",
        ]);
      }),
    );
  examples(cmd, [
    "polis faucet",
    "polis faucet 250 --to 0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  ]);
}
