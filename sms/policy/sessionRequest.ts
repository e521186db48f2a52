import { getAddress } from "ethers";
import type { SessionRequest } from "../../src/core/sms.js";
import { ReleaseDenied } from "../errors.js";

const FIELDS = "authorization,dealId,nonce,quote,taskId,taskIndex,worker,workerSignature";
const BYTES32 = /^0x[0-9a-fA-F]{64}$/;
const SIGNATURE = /^0x[0-9a-fA-F]{130}$/;
/** Worker addresses that passed getAddress (a pool has few workers; checksumming is keccak). */
const validAddresses = new Set<string>();
const MAX_REMEMBERED = 10_000;

/**
 * Validates the shape of POST /v1/sessions (exact fields, types, sizes). Trust comes later.
 * @throws ReleaseDenied("RequestMalformed")
 */
export function parseSessionRequest(body: unknown): SessionRequest {
  const fail = (why: string): never => {
    throw new ReleaseDenied("RequestMalformed", `Malformed session request: ${why}.`);
  };
  if (typeof body !== "object" || body === null || Array.isArray(body)) fail("not an object");
  const b = body as Record<string, unknown>;
  if (Object.keys(b).sort().join(",") !== FIELDS) fail("fields");
  for (const k of ["taskId", "dealId", "nonce"] as const)
    if (typeof b[k] !== "string" || !BYTES32.test(b[k] as string)) fail(k);
  if (typeof b.taskIndex !== "string" || !/^(0|[1-9][0-9]{0,77})$/.test(b.taskIndex))
    fail("taskIndex");
  if (typeof b.worker !== "string") fail("worker");
  if (!validAddresses.has(b.worker as string)) {
    try {
      getAddress(b.worker as string);
    } catch {
      fail("worker");
    }
    if (validAddresses.size >= MAX_REMEMBERED) validAddresses.clear();
    validAddresses.add(b.worker as string);
  }
  for (const k of ["authorization", "workerSignature"] as const)
    if (typeof b[k] !== "string" || !SIGNATURE.test(b[k] as string)) fail(k);
  if (typeof b.quote !== "object" || b.quote === null) fail("quote");
  return b as unknown as SessionRequest;
}
