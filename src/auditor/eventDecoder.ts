import type { EventFragment, ParamType } from "ethers";

/** Decodes an event's topics and data into plain JSON (names as keys, uints as decimal strings,
 * addresses and hashes lowercase, structs as objects). */
export type EventDecoder = (topics: readonly string[], data: string) => Record<string, unknown>;

const WORD = /^(address|bool|bytes32|uint\d*|int\d*)$/;

function isStatic(p: ParamType): boolean {
  if (p.baseType === "tuple") return (p.components ?? []).every(isStatic);
  if (p.baseType === "array") return (p.arrayLength ?? -1) >= 0 && isStatic(p.arrayChildren!);
  return WORD.test(p.type);
}

function words(p: ParamType): number {
  if (p.baseType === "tuple") return (p.components ?? []).reduce((s, c) => s + words(c), 0);
  if (p.baseType === "array") return p.arrayLength! * words(p.arrayChildren!);
  return 1;
}

function decodeWord(type: string, word: string): unknown {
  if (word.length !== 64) throw new Error("short event data");
  if (type === "address") return "0x" + word.slice(24).toLowerCase();
  if (type === "bool") return BigInt("0x" + word) !== 0n;
  if (type === "bytes32") return "0x" + word.toLowerCase();
  if (type.startsWith("uint")) return BigInt("0x" + word).toString();
  return BigInt.asIntN(Number(type.slice(3) || 256), BigInt("0x" + word)).toString();
}

/** Reads a static value starting at 32-byte word `at` of `data` (hex without 0x). */
function decodeStatic(p: ParamType, data: string, at: number): unknown {
  if (p.baseType === "tuple") {
    const out: Record<string, unknown> = {};
    let i = at;
    for (const c of p.components!) {
      out[c.name] = decodeStatic(c, data, i);
      i += words(c);
    }
    return out;
  }
  if (p.baseType === "array") {
    const child = p.arrayChildren!;
    return Array.from({ length: p.arrayLength! }, (_, k) =>
      decodeStatic(child, data, at + k * words(child)),
    );
  }
  return decodeWord(p.type, data.slice(at * 64, at * 64 + 64));
}

/**
 * A hand-written decoder for events made of static values (words, static structs, fixed arrays)
 * plus top-level `bytes` / `string`: ethers' generic decoder builds Result objects and checksums
 * every address, about 10x slower. Undefined when the event has another shape (the caller falls
 * back to ethers).
 */
export function fastEventDecoder(fragment: EventFragment): EventDecoder | undefined {
  for (const p of fragment.inputs) {
    const dynamic = p.type === "bytes" || p.type === "string";
    if (p.indexed ? !WORD.test(p.type) : !(dynamic || isStatic(p))) return undefined;
  }
  const inputs = fragment.inputs;
  return (topics, data) => {
    const body = data.slice(2);
    const out: Record<string, unknown> = {};
    let topic = 1;
    let head = 0; // in words
    for (const p of inputs) {
      if (p.indexed) {
        out[p.name] = decodeWord(p.type, topics[topic++].slice(2));
      } else if (p.type === "bytes" || p.type === "string") {
        const start = Number(BigInt("0x" + body.slice(head * 64, head * 64 + 64))) * 2;
        const length = Number(BigInt("0x" + body.slice(start, start + 64)));
        const hex = body.slice(start + 64, start + 64 + length * 2);
        if (hex.length !== length * 2) throw new Error("short event data");
        out[p.name] =
          p.type === "bytes" ? "0x" + hex.toLowerCase() : Buffer.from(hex, "hex").toString("utf8");
        head += 1;
      } else {
        out[p.name] = decodeStatic(p, body, head);
        head += words(p);
      }
    }
    return out;
  };
}
