import type { Command } from "commander";
import type { CliIo } from "../../io.js";
import { registerTaskClaim } from "./claim.js";
import { registerTaskShow } from "./show.js";

/** Registers the `polis task` command group and its subcommands. */
export function registerTask(program: Command, io: CliIo): void {
  const group = program.command("task").description("inspect and claim tasks");
  registerTaskShow(group, io);
  registerTaskClaim(group, io);
}
