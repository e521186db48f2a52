import { decodeTag } from "../core/index.js";
import { formatAmount } from "../sdk/internal/amounts.js";

/** "12.5 POLIS". */
export function polis(value: bigint): string {
  return `${formatAmount(value)} POLIS`;
}

/** ISO date of a unix timestamp. */
export function date(seconds: bigint | number): string {
  return new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z");
}

/** "tee, gpu" or "none". */
export function tags(tag: string): string {
  const names = decodeTag(tag);
  return names.length ? names.join(", ") : "none";
}
