import { isHexString } from "ethers";
import { UserError } from "../core/errors/index.js";
import { TAG_BITS, encodeTag } from "../core/index.js";
import type { TagName } from "../core/index.js";
import { parseAmount } from "../sdk/internal/amounts.js";
import { parseAddress, parseBytes32 } from "../sdk/internal/values.js";

/** Option parsers: each throws a UserError naming the flag. */
export const parse = {
  address(value: string, flag: string): string {
    return parseAddress(value, flag);
  },
  optionalAddress(value: string | undefined, flag: string): string | undefined {
    return value === undefined ? undefined : parseAddress(value, flag);
  },
  bytes32(value: string, flag: string): string {
    return parseBytes32(value, flag);
  },
  amount(value: string, flag: string): bigint {
    try {
      return parseAmount(value);
    } catch {
      throw new UserError(`${flag}: "${value}" is not an amount.`, {
        hint: 'Write amounts in POLIS ("10", "0.5") or base units ("1000 wei").',
      });
    }
  },
  optionalAmount(value: string | undefined, flag: string): bigint | undefined {
    return value === undefined ? undefined : parse.amount(value, flag);
  },
  integer(value: string, flag: string, min = 0n): bigint {
    if (!/^[0-9]+$/.test(value.trim()) || BigInt(value.trim()) < min) {
      throw new UserError(`${flag}: "${value}" is not an integer >= ${min}.`);
    }
    return BigInt(value.trim());
  },
  optionalInteger(value: string | undefined, flag: string, min = 0n): bigint | undefined {
    return value === undefined ? undefined : parse.integer(value, flag, min);
  },
  /** "600", "90s", "15m", "2h", "30d" -> seconds. */
  duration(value: string, flag: string): bigint {
    const m = /^([0-9]+)\s*([smhd]?)$/.exec(value.trim());
    if (!m) throw new UserError(`${flag}: "${value}" is not a duration (e.g. 600, 15m, 2h, 30d).`);
    const unit = { "": 1n, s: 1n, m: 60n, h: 3600n, d: 86400n }[m[2] as "" | "s" | "m" | "h" | "d"];
    return BigInt(m[1]) * unit;
  },
  /** "tee,gpu" or a bytes32 -> bytes32 tag. */
  tag(value: string | undefined, flag = "--tag"): string | undefined {
    if (value === undefined) return undefined;
    if (isHexString(value, 32)) return value.toLowerCase();
    const names = value
      .split(",")
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
    for (const n of names) {
      if (!(n in TAG_BITS)) {
        throw new UserError(`${flag}: unknown tag "${n}".`, {
          hint: `Known tags: ${Object.keys(TAG_BITS).join(", ")}.`,
        });
      }
    }
    return encodeTag(names as TagName[]);
  },
  /** "k=v" pairs -> record. */
  pairs(values: readonly string[] | undefined, flag: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const v of values ?? []) {
      const i = v.indexOf("=");
      if (i <= 0) throw new UserError(`${flag}: "${v}" is not name=value.`);
      out[v.slice(0, i)] = v.slice(i + 1);
    }
    return out;
  },
};

/** Commander collector for repeatable options. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
