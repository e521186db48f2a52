import { formatUnits, parseUnits } from "ethers";
import { UserError } from "../../core/errors/index.js";

/** Decimals of the Polis token. */
export const POLIS_DECIMALS = 18;

/**
 * Parses a token amount: "10", "0.5", "10 POLIS", or base units with a "wei" suffix.
 * @throws UserError on anything else or a negative value.
 */
export function parseAmount(text: string): bigint {
  const t = text.trim().replace(/\s*polis$/i, "");
  try {
    if (/^[0-9]+\s*wei$/i.test(t)) return BigInt(t.replace(/\s*wei$/i, ""));
    if (!/^[0-9]+(\.[0-9]+)?$/.test(t)) throw new Error("format");
    return parseUnits(t, POLIS_DECIMALS);
  } catch {
    throw new UserError(`"${text}" is not an amount.`, {
      hint: 'Write amounts in POLIS ("10", "0.5") or base units ("1000 wei").',
    });
  }
}

/** Formats base units as POLIS ("12.5"). */
export function formatAmount(value: bigint): string {
  return formatUnits(value, POLIS_DECIMALS);
}
