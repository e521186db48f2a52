import { createHash } from "node:crypto";
import type { Signer } from "ethers";
import { ServiceError, UserError } from "../core/errors/index.js";
import { uploadMessage } from "./auth.js";

async function signedHeaders(
  signer: Signer,
  kind: "result" | "receipt",
  contentHash: string,
  taskId: string,
  receiptContentHash?: string,
) {
  const issuedAt = Math.floor(Date.now() / 1000);
  return {
    "x-polis-task": taskId,
    "x-polis-issued-at": String(issuedAt),
    "x-polis-signature": await signer.signMessage(
      uploadMessage(kind, contentHash, taskId, issuedAt, receiptContentHash),
    ),
  };
}

const sha256 = (data: Uint8Array | string) =>
  "0x" + createHash("sha256").update(data).digest("hex");

/**
 * Uploads an encrypted result blob, with the task's signed usage receipt (canonical JSON) when
 * there is one: both in one request. Returns the blob's URL (what goes on-chain as `results`).
 */
export async function uploadResult(
  baseUrl: string,
  signer: Signer,
  taskId: string,
  blob: Uint8Array,
  receipt?: string,
): Promise<string> {
  const receiptBytes = receipt === undefined ? undefined : Buffer.from(receipt, "utf8");
  const res = await fetch(`${baseUrl}/results`, {
    method: "PUT",
    headers: {
      "content-type": "application/octet-stream",
      ...(receiptBytes && { "x-polis-receipt-length": String(receiptBytes.length) }),
      ...(await signedHeaders(
        signer,
        "result",
        sha256(blob),
        taskId,
        receiptBytes && sha256(receiptBytes),
      )),
    },
    body: receiptBytes ? Buffer.concat([receiptBytes, blob]) : blob,
  }).catch((cause) => {
    throw new ServiceError(`Result store ${baseUrl} is unreachable.`, { cause });
  });
  const body = (await res.json().catch(() => ({}))) as { url?: string; error?: string };
  if (!res.ok || !body.url) throw refusal("Result upload", res.status, body.error);
  return body.url;
}

/** Uploads a usage receipt (canonical JSON with its enclave signature). */
export async function uploadReceipt(
  baseUrl: string,
  signer: Signer,
  taskId: string,
  body: string,
): Promise<void> {
  const res = await fetch(`${baseUrl}/receipts/${taskId}`, {
    method: "PUT",
    headers: {
      "content-type": "application/json",
      ...(await signedHeaders(signer, "receipt", sha256(body), taskId)),
    },
    body,
  }).catch((cause) => {
    throw new ServiceError(`Result store ${baseUrl} is unreachable.`, { cause });
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    throw refusal("Receipt upload", res.status, body.error);
  }
}

/** A refused upload: final (UserError) for a 4xx, worth retrying (ServiceError) otherwise. */
function refusal(what: string, status: number, error: string | undefined) {
  const message = `${what} refused (${status}): ${error ?? "unknown"}`;
  return status >= 400 && status < 500 && status !== 429
    ? new UserError(message)
    : new ServiceError(message);
}
