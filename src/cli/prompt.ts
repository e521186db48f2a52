import { createInterface } from "node:readline";
import { UserError } from "../core/errors/index.js";
import { ConfirmationRequiredError } from "../sdk/errors/index.js";
import type { CliIo } from "./io.js";

/**
 * Asks a yes/no question on a TTY; `--yes` answers yes.
 * @throws ConfirmationRequiredError without a TTY; UserError when the user declines.
 */
export async function confirm(io: CliIo, question: string, yes: boolean): Promise<void> {
  if (yes) return;
  if (!io.stdin.isTTY) throw new ConfirmationRequiredError(question.replace(/\?$/, ""));
  const answer = await ask(io, `${question} [y/N] `, false);
  if (!/^y(es)?$/i.test(answer.trim())) throw new UserError("Cancelled: nothing was sent.");
}

/**
 * Reads a password without echo on a TTY.
 * @throws UserError without a TTY.
 */
export async function promptPassword(io: CliIo, label: string): Promise<string> {
  if (!io.stdin.isTTY) {
    throw new UserError("A wallet password is needed.", {
      hint: "Pass --password <password> or set POLIS_PASSWORD.",
    });
  }
  return ask(io, `${label}: `, true);
}

function ask(io: CliIo, question: string, hidden: boolean): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: true });
    if (hidden) {
      const rlo = rl as unknown as { _writeToOutput: (s: string) => void };
      rlo._writeToOutput = (s: string) => {
        if (s.includes(question)) io.stderr.write(s);
      };
    }
    rl.question(question, (answer) => {
      rl.close();
      if (hidden) io.stderr.write("\n");
      resolve(answer);
    });
  });
}
