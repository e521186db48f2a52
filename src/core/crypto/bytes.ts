import { createHash } from "node:crypto";

/** sha256 of `data` as 32 bytes. */
export function sha256(data: Uint8Array | string): Buffer {
  return createHash("sha256").update(data).digest();
}

/** sha256 of `data` as 0x-prefixed hex (the form used on-chain and in URLs without the prefix). */
export function sha256Hex(data: Uint8Array | string): string {
  return "0x" + sha256(data).toString("hex");
}

/** Decodes 0x-hex or base64 into bytes. */
export function toBytes(value: string): Buffer {
  return value.startsWith("0x") ? Buffer.from(value.slice(2), "hex") : Buffer.from(value, "base64");
}

export function concatBytes(...parts: Uint8Array[]): Buffer {
  return Buffer.concat(parts);
}
