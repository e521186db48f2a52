import { CommanderError } from "commander";
import { commandExit } from "./command.js";
import { EXIT, reportError } from "./errors.js";
import type { CliIo } from "./io.js";
import { Output } from "./output.js";
import { createProgram } from "./program.js";

/**
 * Runs the CLI on `argv` (without the node and script paths) and resolves to the exit code:
 * 0 success, 1 user error, 2 chain/network/service failure.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const program = createProgram(io);
  commandExit.code = 0;
  try {
    await program.parseAsync([...argv], { from: "user" });
    return commandExit.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      const ok = ["commander.helpDisplayed", "commander.help", "commander.version"].includes(
        error.code,
      );
      return ok ? EXIT.ok : EXIT.user;
    }
    const flags = new Set(argv);
    const out = new Output(io, flags.has("--json"), flags.has("--verbose") || flags.has("-v"));
    return reportError(error, out);
  }
}
