import { toBeHex, zeroPadValue } from "ethers";

/** Tag bits, as in PoCo: bit 0 = TEE; bits 1-3 = TEE frameworks; bit 8 = GPU. */
export const TAG_BITS = { tee: 0, scone: 1, gramine: 2, tdx: 3, gpu: 8 } as const;
export type TagName = keyof typeof TAG_BITS;

/** bytes32 tag with the named bits set. @example encodeTag(["tee"]) */
export function encodeTag(names: readonly TagName[] = []): string {
  let value = 0n;
  for (const name of names) {
    const bit = TAG_BITS[name];
    if (bit === undefined) throw new Error(`unknown tag "${String(name)}"`);
    value |= 1n << BigInt(bit);
  }
  return zeroPadValue(toBeHex(value), 32);
}

/** Names of the known bits set in a bytes32 tag. */
export function decodeTag(tag: string): TagName[] {
  const value = BigInt(tag);
  return (Object.keys(TAG_BITS) as TagName[]).filter((n) => (value >> BigInt(TAG_BITS[n])) & 1n);
}

export function isTee(tag: string): boolean {
  return (BigInt(tag) & 1n) === 1n;
}

/** True when every bit of `required` is set in `offered`. */
export function isTagSubset(required: string, offered: string): boolean {
  return (BigInt(required) & ~BigInt(offered)) === 0n;
}

export const NO_TAG = zeroPadValue("0x", 32);
export const TEE_TAG = encodeTag(["tee"]);
