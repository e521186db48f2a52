import type { Command } from "commander";
import type { CliIo } from "../../io.js";
import { registerWalletCreate } from "./create.js";
import { registerWalletImport } from "./import.js";
import { registerWalletShow } from "./show.js";

/** Registers the `polis wallet` command group and its subcommands. */
export function registerWallet(program: Command, io: CliIo): void {
  const group = program
    .command("wallet")
    .description("create, import and inspect the keystore wallet");
  registerWalletCreate(group, io);
  registerWalletImport(group, io);
  registerWalletShow(group, io);
}
