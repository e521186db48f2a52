import type { Command } from "commander";
import type { CliIo } from "../../io.js";
import { registerVerifyTask } from "./task.js";

/** Registers the `polis verify` command group and its subcommands. */
export function registerVerify(program: Command, io: CliIo): void {
  const group = program.command("verify").description("auditor checks of on-chain evidence");
  registerVerifyTask(group, io);
}
