/** Minimal ABI encoding for the market's hot calls (hex strings without 0x, 32-byte words). */

/** A uint256, address or bytes32 as one 32-byte word. */
export function word(type: "uint256" | "address" | "bytes32", value: unknown): string {
  switch (type) {
    case "uint256":
      return BigInt(value as bigint)
        .toString(16)
        .padStart(64, "0");
    case "address":
      return String(value).slice(2).toLowerCase().padStart(64, "0");
    case "bytes32":
      return String(value).slice(2).toLowerCase();
  }
}

/** `bytes` / `string` tail: length word + data padded to 32 bytes. */
function dynamicTail(hexData: string): string {
  const length = hexData.length / 2;
  const padded = hexData + "0".repeat((64 - (hexData.length % 64)) % 64);
  return word("uint256", BigInt(length)) + padded;
}

/** One tuple field: its ABI type and value. */
export type AbiField = [
  type: "uint256" | "address" | "bytes32" | "bytes" | "string",
  value: unknown,
];

/** ABI-encodes a tuple (struct) that may contain `bytes` and `string` fields. */
export function encodeTuple(fields: AbiField[]): string {
  let head = "";
  let tail = "";
  const headSize = fields.length * 32;
  for (const [type, value] of fields) {
    if (type === "bytes" || type === "string") {
      head += word("uint256", BigInt(headSize + tail.length / 2));
      const hex =
        type === "bytes"
          ? String(value).slice(2)
          : Buffer.from(String(value), "utf8").toString("hex");
      tail += dynamicTail(hex);
    } else {
      head += word(type, value);
    }
  }
  return head + tail;
}

/** Calldata of `selector(args...)` where `args` are dynamic tuples (already encoded) or words. */
export function encodeCall(
  selector: string,
  args: ({ tuple: string } | { word: string })[],
): string {
  let head = "";
  let tail = "";
  const headSize = args.length * 32;
  for (const a of args) {
    if ("tuple" in a) {
      head += word("uint256", BigInt(headSize + tail.length / 2));
      tail += a.tuple;
    } else {
      head += a.word;
    }
  }
  return selector + head + tail;
}
