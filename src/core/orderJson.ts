import { getAddress, isHexString } from "ethers";
import { UserError } from "./errors/index.js";
import { ORDER_KIND_NAMES, ORDER_TYPES, OrderKind } from "./orders.js";
import type { AnyOrder, OrderByKind } from "./orders.js";

/** An order as JSON: the src/core field names, bigints as decimal strings. */
export type OrderJson = Record<string, string>;

/** Largest `params` string accepted in a request order (bytes of UTF-8). */
export const MAX_PARAMS_BYTES = 4096;
/** Largest signature accepted (ERC-1271 wallets may use long ones). */
export const MAX_SIGNATURE_BYTES = 2048;

const UINT256_MAX = (1n << 256n) - 1n;

/** Checksummed forms of recently seen addresses (checksumming costs a keccak each time). */
const checksums = new Map<string, string>();
function checksum(lower: string): string {
  let v = checksums.get(lower);
  if (v === undefined) {
    v = getAddress(lower);
    if (checksums.size >= 10_000) checksums.clear();
    checksums.set(lower, v);
  }
  return v;
}

/** The lower-case names of the order kinds, as used in files, URLs and the CLI. */
export type OrderKindName = "app" | "dataset" | "workerpool" | "request";

/**
 * A signed (or unsigned) order as stored in a file and exchanged with the market:
 * `{ kind, order, orderHash?, chainId?, hub? }`.
 */
export interface OrderDocument<K extends OrderKind = OrderKind> {
  kind: K;
  order: OrderByKind[K];
  /** EIP-712 digest under the hub domain (informative; always recomputed by readers). */
  orderHash?: string;
  chainId?: string;
  hub?: string;
}

/**
 * Order kind from its name ("app", "dataset", "workerpool", "request"; any case).
 * @throws UserError for any other value.
 */
export function orderKindFromName(name: unknown): OrderKind {
  const wanted = typeof name === "string" ? name.toLowerCase() : name;
  for (const [kind, n] of Object.entries(ORDER_KIND_NAMES)) {
    if (n === wanted) return Number(kind) as OrderKind;
  }
  throw new UserError(`Unknown order kind ${JSON.stringify(name)}.`, {
    hint: 'Use one of "app", "dataset", "workerpool", "request".',
  });
}

/** The name of an order kind ("app", ...). */
export function orderKindName(kind: OrderKind): OrderKindName {
  return ORDER_KIND_NAMES[kind] as OrderKindName;
}

/** JSON form of an order (bigints as decimal strings). */
export function orderToJson<K extends OrderKind>(kind: K, order: OrderByKind[K]): OrderJson {
  const out: OrderJson = {};
  for (const f of fieldsOf(kind)) {
    const v = (order as unknown as Record<string, unknown>)[f.name];
    out[f.name] = typeof v === "bigint" ? v.toString() : String(v);
  }
  out.signature = (order as AnyOrder).signature ?? "0x";
  return out;
}

/**
 * Parses and strictly validates an order from JSON: every signed field present with the right
 * type, no unknown field; a missing signature means "0x" (unsigned, or presigned on-chain).
 * Addresses are returned checksummed, hex lowercased.
 * @throws UserError (name "UserError") listing the offending fields.
 */
export function orderFromJson<K extends OrderKind>(kind: K, value: unknown): OrderByKind[K] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new UserError(`The ${ORDER_KIND_NAMES[kind]} order must be a JSON object.`);
  }
  const input = value as Record<string, unknown>;
  const fields = fieldsOf(kind);
  const known = new Set([...fields.map((f) => f.name), "signature"]);
  const problems: string[] = [];
  for (const key of Object.keys(input))
    if (!known.has(key)) problems.push(`unknown field "${key}"`);
  const out: Record<string, unknown> = {};
  for (const f of [...fields, { name: "signature", type: "signature" }]) {
    const raw = f.name === "signature" ? (input.signature ?? "0x") : input[f.name];
    if (raw === undefined) {
      problems.push(`missing field "${f.name}"`);
      continue;
    }
    const parsed = parseField(f.type, raw);
    if (parsed === undefined) problems.push(`field "${f.name}" is not a valid ${f.type}`);
    else out[f.name] = parsed;
  }
  if (problems.length > 0) {
    throw new UserError(`Invalid ${ORDER_KIND_NAMES[kind]} order: ${problems.join("; ")}.`, {
      details: problems.join("\n"),
    });
  }
  return out as unknown as OrderByKind[K];
}

/** JSON form of an order document (bigints as strings). */
export function orderDocumentToJson(doc: OrderDocument): Record<string, unknown> {
  return {
    kind: orderKindName(doc.kind),
    order: orderToJson(doc.kind, doc.order),
    ...(doc.orderHash ? { orderHash: doc.orderHash } : {}),
    ...(doc.chainId ? { chainId: doc.chainId } : {}),
    ...(doc.hub ? { hub: doc.hub } : {}),
  };
}

/**
 * Parses an order document (`{ kind, order, ... }`).
 * @throws UserError when the kind or any field is invalid.
 */
export function orderDocumentFromJson(json: unknown): OrderDocument {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new UserError("An order file must hold a JSON object { kind, order }.");
  }
  const source = json as Record<string, unknown>;
  if (typeof source.kind !== "string") {
    throw new UserError('An order file needs a "kind" (app, dataset, workerpool or request).');
  }
  const kind = orderKindFromName(source.kind);
  return {
    kind,
    order: orderFromJson(kind, source.order),
    orderHash: typeof source.orderHash === "string" ? source.orderHash : undefined,
    chainId: source.chainId === undefined ? undefined : String(source.chainId),
    hub: typeof source.hub === "string" ? source.hub : undefined,
  };
}

function fieldsOf(kind: OrderKind) {
  return Object.values(ORDER_TYPES[kind])[0];
}

function parseField(type: string, raw: unknown): unknown {
  switch (type) {
    case "address":
      if (typeof raw !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(raw)) return undefined;
      return checksum(raw.toLowerCase());
    case "uint256": {
      let v: bigint;
      if (typeof raw === "string" && /^(0|[1-9][0-9]{0,77})$/.test(raw)) v = BigInt(raw);
      else if (typeof raw === "number" && Number.isSafeInteger(raw) && raw >= 0) v = BigInt(raw);
      else return undefined;
      return v <= UINT256_MAX ? v : undefined;
    }
    case "bytes32":
      return typeof raw === "string" && /^0x[0-9a-fA-F]{64}$/.test(raw)
        ? raw.toLowerCase()
        : undefined;
    case "string":
      return typeof raw === "string" && Buffer.byteLength(raw, "utf8") <= MAX_PARAMS_BYTES
        ? raw
        : undefined;
    case "signature":
      return typeof raw === "string" &&
        isHexString(raw) &&
        raw.length % 2 === 0 &&
        (raw.length - 2) / 2 <= MAX_SIGNATURE_BYTES
        ? raw.toLowerCase()
        : undefined;
    default:
      return undefined;
  }
}
