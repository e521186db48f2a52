import type { CliIo } from "./io.js";
import { toJson } from "./json.js";
import { createProgress } from "./progress.js";
import type { Progress } from "./progress.js";

/**
 * The only writer to stdout and stderr. Results go to stdout (JSON with --json, readable lines
 * otherwise); status, warnings, progress and errors go to stderr.
 */
export class Output {
  constructor(
    private readonly io: CliIo,
    readonly json: boolean,
    readonly verbose: boolean,
  ) {}

  /** Prints a command's result: `data` as JSON with --json, else the human lines. */
  result(data: unknown, human: () => string | string[]): void {
    if (this.json) {
      this.io.stdout.write(toJson(data) + "\n");
      return;
    }
    const lines = human();
    const text = Array.isArray(lines) ? lines.join("\n") : lines;
    if (text) this.io.stdout.write(text + "\n");
  }

  /** A status line on stderr (suppressed with --json unless verbose). */
  status(line: string): void {
    if (!this.json || this.verbose) this.io.stderr.write(line + "\n");
  }

  warn(line: string): void {
    this.io.stderr.write(`warning: ${line}\n`);
  }

  /** Detail for --verbose only. */
  debug(line: string): void {
    if (this.verbose) this.io.stderr.write(`debug: ${line}\n`);
  }

  progress(label: string): Progress {
    return createProgress(this.io, label, this.json);
  }

  /** Raw stderr write (errors). */
  stderr(text: string): void {
    this.io.stderr.write(text);
  }

  /** Raw stdout write (JSON errors). */
  stdout(text: string): void {
    this.io.stdout.write(text);
  }
}

/** Aligned "key: value" lines. */
export function keyValues(rows: ReadonlyArray<readonly [string, unknown]>): string[] {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${(k + ":").padEnd(width + 1)} ${String(v)}`);
}
