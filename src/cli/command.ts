import type { Command } from "commander";
import { CliContext } from "./context.js";
import type { GlobalOptions } from "./context.js";
import type { CliIo } from "./io.js";

/** Exit code a command asked for with `ctx.fail` (read by main after parsing). */
export const commandExit = { code: 0 };

/**
 * Wraps a command handler: builds the context from the global flags and closes it afterwards.
 * The handler gets the context, then commander's positional arguments and options.
 */
export function handler<A extends unknown[]>(
  io: CliIo,
  run: (ctx: CliContext, ...args: A) => Promise<void>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const ctx = new CliContext(io, command.optsWithGlobals<GlobalOptions>());
    try {
      await run(ctx, ...(args.slice(0, -1) as A));
      commandExit.code = ctx.exitCode;
    } finally {
      ctx.close();
    }
  };
}

/** Adds an "Examples:" section to a command's --help. */
export function examples(command: Command, lines: readonly string[]): Command {
  return command.addHelpText("after", `\nExamples:\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`);
}
