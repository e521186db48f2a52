import { Signature, concat, getBytes, hexlify, toBeHex, zeroPadValue } from "ethers";

/** Order of the secp256k1 group. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** The malleable twin of a 65-byte signature: s -> n - s and v flipped (same signer, high s). */
export function toHighS(signature: string): string {
  const sig = Signature.from(signature);
  const highS = SECP256K1_N - BigInt(sig.s);
  const v = sig.v === 27 ? 28 : 27;
  return concat([sig.r, zeroPadValue(toBeHex(highS), 32), toBeHex(v, 1)]);
}

/** The 64-byte EIP-2098 compact form of a signature. */
export function toCompact(signature: string): string {
  return Signature.from(signature).compactSerialized;
}

/** The signature with one extra byte appended (66 bytes). */
export function withExtraByte(signature: string): string {
  return concat([signature, "0x00"]);
}

/** The signature with one bit of r flipped (a different, valid-looking, forged signature). */
export function tampered(signature: string): string {
  const bytes = getBytes(signature);
  bytes[5] ^= 0x01;
  return hexlify(bytes);
}
