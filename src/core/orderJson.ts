import { getAddress, isHexString } from "ethers";
import { UserError } from "./errors/index.js";
import { ORDER_KIND_NAMES, ORDER_TYPES, OrderKind } from "./orders.js";
import type { OrderByKind } from "./orders.js";

/** The lower-case names of the order kinds, as used in files, URLs and the CLI. */
export type OrderKindName = "app" | "dataset" | "workerpool" | "request";

/** JSON form of an order: every field a string (bigints as decimal strings). */
export type OrderJson = Record<string, string>;

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
 * Parses an order kind name ("app", "dataset", "workerpool", "request").
 * @throws UserError for any other value.
 */
export function orderKindFromName(name: string): OrderKind {
  const entry = Object.entries(ORDER_KIND_NAMES).find(([, n]) => n === name.toLowerCase());
  if (!entry) {
    throw new UserError(`Unknown order kind "${name}".`, {
      hint: "Use one of: app, dataset, workerpool, request.",
    });
  }
  return Number(entry[0]) as OrderKind;
}

/** The name of an order kind ("app", ...). */
export function orderKindName(kind: OrderKind): OrderKindName {
  return ORDER_KIND_NAMES[kind] as OrderKindName;
}

/** JSON-safe form of an order: bigints become decimal strings, the signature is kept. */
export function orderToJson<K extends OrderKind>(kind: K, order: OrderByKind[K]): OrderJson {
  const out: OrderJson = {};
  for (const { name } of fieldsOf(kind)) {
    out[name] = String((order as unknown as Record<string, unknown>)[name]);
  }
  out.signature = order.signature ?? "0x";
  return out;
}

/**
 * Validates and converts the JSON form of an order (decimal strings or numbers for integers).
 * Addresses are checksummed; a missing signature becomes "0x" (unsigned).
 * @throws UserError naming the first invalid field.
 */
export function orderFromJson<K extends OrderKind>(kind: K, json: unknown): OrderByKind[K] {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new UserError(`A ${orderKindName(kind)} order must be a JSON object.`);
  }
  const source = json as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const { name, type } of fieldsOf(kind)) {
    out[name] = parseField(kind, name, type, source[name]);
  }
  const signature = source.signature ?? "0x";
  if (typeof signature !== "string" || !isHexString(signature)) {
    throw invalid(kind, "signature", "a 0x-prefixed hex string");
  }
  out.signature = signature.toLowerCase();
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

function parseField(kind: OrderKind, name: string, type: string, value: unknown): unknown {
  if (value === undefined || value === null) throw invalid(kind, name, "present");
  switch (type) {
    case "address":
      if (typeof value !== "string") throw invalid(kind, name, "an address");
      try {
        return getAddress(value);
      } catch {
        throw invalid(kind, name, "an address");
      }
    case "uint256": {
      if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0)
        return BigInt(value);
      if (typeof value === "string" && /^[0-9]{1,78}$/.test(value)) {
        const n = BigInt(value);
        if (n < 2n ** 256n) return n;
      }
      throw invalid(kind, name, "a non-negative integer (decimal string)");
    }
    case "bytes32":
      if (typeof value !== "string" || !isHexString(value, 32)) {
        throw invalid(kind, name, "32 bytes of 0x-prefixed hex");
      }
      return value.toLowerCase();
    case "string":
      if (typeof value !== "string") throw invalid(kind, name, "a string");
      return value;
    default:
      throw invalid(kind, name, `of type ${type}`);
  }
}

function invalid(kind: OrderKind, field: string, expected: string): UserError {
  return new UserError(`Invalid ${orderKindName(kind)} order: "${field}" must be ${expected}.`);
}
