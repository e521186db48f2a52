import { readFile } from "node:fs/promises";
import { orderDocumentFromJson, orderDocumentToJson, orderHash } from "../../../core/index.js";
import type { OrderDocument } from "../../../core/index.js";
import { UserError } from "../../../core/errors/index.js";
import type { PolisClient } from "../../../sdk/client.js";
import { writeAtomic } from "../../../sdk/internal/files.js";
import { toJson } from "../../json.js";

/**
 * Reads an order file `{ kind, order, ... }`.
 * @throws UserError when missing, not JSON, or invalid.
 */
export async function readOrderFile(path: string): Promise<OrderDocument> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new UserError(`Cannot read the order file ${path}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new UserError(`${path} is not valid JSON.`, { cause });
  }
  try {
    return orderDocumentFromJson(json);
  } catch (error) {
    if (error instanceof UserError) throw new UserError(`${path}: ${error.shortMessage}`);
    throw error;
  }
}

/** Writes an order file with its hash, chain id and hub (for readers' convenience). */
export async function writeOrderFile(
  path: string,
  doc: OrderDocument,
  client: PolisClient,
): Promise<OrderDocument> {
  const full: OrderDocument = {
    ...doc,
    orderHash: orderHash(client.hubDomain, doc.kind, doc.order),
    chainId: client.chainId.toString(),
    hub: client.deployment.hub,
  };
  await writeAtomic(path, toJson(orderDocumentToJson(full)) + "\n");
  return full;
}

/** Whether a CLI argument looks like an order hash rather than a file path. */
export function isHash(value: string): boolean {
  return /^0x[0-9a-fA-F]{64}$/.test(value);
}
