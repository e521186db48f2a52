/** How the demo reports progress: numbered sections, timed steps, indented details. */
export interface DemoUi {
  /** A new scenario or phase. */
  section(title: string): void;
  /** One step, prefixed with the time since the demo started. */
  step(text: string): void;
  /** A line under the current step. */
  detail(text: string): void;
  /** A passed check (✓). */
  ok(text: string): void;
  /** A refusal or failure the demo expects and shows (✗). */
  refused(text: string): void;
  /** Seconds since the demo started. */
  elapsed(): number;
}

/** A UI writing lines to `write` (the console by default). */
export function createUi(write: (line: string) => void = (l) => console.log(l)): DemoUi {
  const started = Date.now();
  const elapsed = () => (Date.now() - started) / 1000;
  const stamp = () => `[${elapsed().toFixed(1).padStart(5)}s]`;
  return {
    section: (title) => write(`\n== ${title} ${"=".repeat(Math.max(3, 90 - title.length))}`),
    step: (text) => write(`${stamp()} ${text}`),
    detail: (text) => write(`          ${text}`),
    ok: (text) => write(`          ✓ ${text}`),
    refused: (text) => write(`          ✗ ${text}`),
    elapsed,
  };
}

/** 0x1234…abcd */
export function short(hex: string): string {
  return hex.length > 14 ? `${hex.slice(0, 6)}…${hex.slice(-4)}` : hex;
}

/** A fixed-width text table (first row = header). */
export function table(rows: string[][], indent = ""): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c]?.length ?? 0)));
  return rows.map(
    (r) =>
      indent +
      r
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
        .join("  ")
        .trimEnd(),
  );
}

/** 12.5% */
export function percent(x: number, digits = 1): string {
  return `${(x * 100).toFixed(digits)}%`;
}
