import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * A small seeded random source for the examples' data generators (mulberry32), so every run of a
 * generator with the same seed writes the same bytes.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
  /** Normal with the given mean and standard deviation (Box-Muller). */
  normal(mean: number, sd: number): number;
  /** One element of `items`. */
  pick<T>(items: readonly T[]): T;
}

/** A deterministic random source for `seed`. @example const r = seeded(42); r.int(1, 6); */
export function seeded(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    normal: (mean, sd) => {
      const u = 1 - next();
      const v = next();
      return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    pick: (items) => items[Math.floor(next() * items.length)],
  };
}

/** Parses `--name value` flags of a generator's command line. */
export function flag(argv: readonly string[], name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
}

/** Whether the module with this `import.meta.url` is the script being run. */
export function isMain(metaUrl: string): boolean {
  return process.argv[1] !== undefined && metaUrl === pathToFileURL(resolve(process.argv[1])).href;
}
