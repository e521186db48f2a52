import { getAddress, isHexString } from "ethers";
import { UserError } from "../../core/errors/index.js";

/**
 * Checksums an address.
 * @throws UserError naming `what` when the value is not an address.
 */
export function parseAddress(value: string, what = "address"): string {
  try {
    return getAddress(value.trim());
  } catch {
    throw new UserError(`The ${what} "${value}" is not an address.`, {
      hint: "Addresses are 0x followed by 40 hex digits.",
    });
  }
}

/**
 * Checks a 32-byte hex value (an id or a hash) and lower-cases it.
 * @throws UserError naming `what` otherwise.
 */
export function parseBytes32(value: string, what = "value"): string {
  const v = value.trim();
  if (!isHexString(v, 32)) {
    throw new UserError(`The ${what} "${value}" is not 32 bytes of 0x-prefixed hex.`);
  }
  return v.toLowerCase();
}
