import { TypedDataEncoder, getBytes, keccak256, toUtf8Bytes } from "ethers";
import type { TypedDataDomain } from "ethers";
import { ORDER_TYPES, OrderKind } from "../core/index.js";
import type { OrderByKind } from "../core/index.js";

/** Computes order EIP-712 digests; equal to `orderHash` from src/core, about 10x faster. */
export type OrderHasher = <K extends OrderKind>(kind: K, order: OrderByKind[K]) => string;

/**
 * Builds a hasher bound to one domain: the domain separator and typehashes are computed once and
 * each struct is ABI-encoded by hand into one buffer.
 */
export function createOrderHasher(domain: TypedDataDomain): OrderHasher {
  const separator = getBytes(TypedDataEncoder.hashDomain(domain));
  const plans = new Map<
    OrderKind,
    { typeHash: Uint8Array; fields: { name: string; type: string }[] }
  >();
  for (const kind of [OrderKind.App, OrderKind.Dataset, OrderKind.Workerpool, OrderKind.Request]) {
    const types = ORDER_TYPES[kind];
    const primary = Object.keys(types)[0];
    const encoded = TypedDataEncoder.from(types).encodeType(primary);
    plans.set(kind, {
      typeHash: getBytes(keccak256(toUtf8Bytes(encoded))),
      fields: types[primary],
    });
  }
  const digestInput = new Uint8Array(66);
  digestInput[0] = 0x19;
  digestInput[1] = 0x01;
  digestInput.set(separator, 2);

  return (kind, order) => {
    const plan = plans.get(kind)!;
    const buf = new Uint8Array(32 * (plan.fields.length + 1));
    buf.set(plan.typeHash, 0);
    const values = order as unknown as Record<string, unknown>;
    plan.fields.forEach((f, i) => writeWord(buf, 32 * (i + 1), f.type, values[f.name]));
    const input = digestInput.slice();
    input.set(getBytes(keccak256(buf)), 34);
    return keccak256(input);
  };
}

function writeWord(buf: Uint8Array, offset: number, type: string, value: unknown): void {
  switch (type) {
    case "address":
      buf.set(getBytes(String(value)), offset + 12);
      return;
    case "bytes32":
      buf.set(getBytes(String(value)), offset);
      return;
    case "uint256": {
      let v = BigInt(value as bigint);
      for (let i = 31; i >= 0 && v > 0n; i--) {
        buf[offset + i] = Number(v & 0xffn);
        v >>= 8n;
      }
      return;
    }
    case "string":
      buf.set(getBytes(keccak256(toUtf8Bytes(String(value)))), offset);
      return;
    default:
      throw new Error(`unsupported EIP-712 field type ${type}`);
  }
}
