import type { Command } from "commander";
import type { CliIo } from "../../io.js";
import { registerFaucet } from "./faucet.js";
import { registerDeposit } from "./deposit.js";
import { registerWithdraw } from "./withdraw.js";
import { registerAccountShow } from "./show.js";

/** Registers the `polis account` command group and its subcommands. */
export function registerAccount(program: Command, io: CliIo): void {
  const group = program
    .command("account")
    .description("escrow balance: deposit, withdraw, show (and the dev-chain faucet)");
  registerDeposit(group, io);
  registerWithdraw(group, io);
  registerAccountShow(group, io);
  registerFaucet(group, io);
  registerFaucet(program, io);
}
