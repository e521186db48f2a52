import type { CliIo } from "./io.js";

/** A long operation's progress: one rewritten line on a TTY, plain lines otherwise. */
export interface Progress {
  update(current: number, total?: number, note?: string): void;
  /** Prints a line above the progress (TTY) or a plain line. */
  log(line: string): void;
  done(note?: string): void;
}

const BAR_WIDTH = 24;

/**
 * Creates a progress reporter on stderr. On a TTY (and without --json) it redraws one line with
 * a bar; otherwise it prints a plain line each time the state changes.
 */
export function createProgress(io: CliIo, label: string, plain: boolean): Progress {
  const tty = !plain && io.stderr.isTTY === true;
  let last = "";
  let drawn = false;
  let drawnLine = "";
  const clear = () => {
    if (tty && drawn) io.stderr.write("\r\x1b[2K");
  };
  return {
    update(current, total, note) {
      const count = total === undefined ? `${current}` : `${current}/${total}`;
      const text = `${label}: ${count}${note ? ` ${note}` : ""}`;
      if (tty) {
        const ratio = total ? Math.min(1, current / total) : 0;
        const filled = Math.round(ratio * BAR_WIDTH);
        const bar = total ? ` [${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}]` : "";
        const width = io.stderr.columns ?? 100;
        const line = `${label}${bar} ${count}${note ? ` ${note}` : ""}`.slice(0, width - 1);
        io.stderr.write(`\r\x1b[2K${line}`);
        drawn = true;
        drawnLine = line;
      } else if (text !== last) {
        io.stderr.write(text + "\n");
      }
      last = text;
    },
    log(line) {
      const redraw = drawn;
      clear();
      io.stderr.write(line + "\n");
      if (redraw) io.stderr.write(drawnLine);
    },
    done(note) {
      clear();
      drawn = false;
      if (note) io.stderr.write(`${label}: ${note}\n`);
    },
  };
}
