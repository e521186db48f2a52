import { getBytes, verifyMessage } from "ethers";
import { receiptHash } from "../../../core/index.js";
import type { SignedReceipt, UsageReceipt } from "../../../core/index.js";
import { ServiceError } from "../../../core/errors/index.js";
import { fetchBytes } from "../../http.js";

/** A receipt with its quote is a few KiB; a store that sends more is not serving one. */
export const MAX_RECEIPT_BYTES = 256 * 1024;

async function fetchReceiptJson(url: string, params: GetReceiptParameters): Promise<unknown> {
  const bytes = await fetchBytes(url, {
    service: "result store",
    timeoutMs: params.timeoutMs ?? 15_000,
    maxBytes: MAX_RECEIPT_BYTES,
  });
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch (cause) {
    throw new ServiceError(`The result store answered with invalid JSON at ${url}.`, { cause });
  }
}

export interface GetReceiptParameters {
  /** The result URL of the task (the receipt is served by the same store). */
  resultUrl: string;
  taskId: string;
  /** The on-chain receiptHash: asks the store for that receipt (another upload for the same task,
   * e.g. by a worker whose result was refused, cannot stand in for it). */
  receiptHash?: string;
  timeoutMs?: number;
  /** How to GET the receipt's JSON (default: fetch). A service fetching URLs others chose passes
   * a guarded one (see the auditor's fetchPublicJson). */
  getJson?: (url: string) => Promise<unknown>;
}

export interface GetReceiptReturnType {
  url: string;
  receipt: UsageReceipt;
  signature: string;
  /** keccak256 of the canonical receipt. */
  hash: string;
  /** Address that signed the hash with EIP-191 (undefined if the signature is malformed). */
  signer?: string;
  /** The attestation quote published with the receipt (unverified), when the pool serves one. */
  quote?: unknown;
}

/**
 * Fetches a task's usage receipt from the pool's result store (`GET /receipts/<taskId>/<hash>`
 * next to the result URL, docs/PROTOCOLS.md §7), hashes it and recovers its EIP-191 signer.
 * @throws ServiceError when the store is unreachable or serves no receipt.
 * @example const { hash, signer } = await getReceipt({ resultUrl, taskId, receiptHash });
 */
export async function getReceipt(params: GetReceiptParameters): Promise<GetReceiptReturnType> {
  const path = params.receiptHash
    ? `/receipts/${params.taskId}/${params.receiptHash}`
    : `/receipts/${params.taskId}`;
  const url = new URL(path, params.resultUrl).toString();
  const body = (await (params.getJson
    ? params.getJson(url)
    : fetchReceiptJson(url, params))) as Partial<SignedReceipt>;
  if (!body || typeof body !== "object" || !body.receipt || typeof body.signature !== "string") {
    throw new ServiceError(`The result store served a malformed receipt at ${url}.`);
  }
  const hash = receiptHash(body.receipt);
  let signer: string | undefined;
  try {
    signer = verifyMessage(getBytes(hash), body.signature);
  } catch {
    signer = undefined;
  }
  return { url, receipt: body.receipt, signature: body.signature, hash, signer, quote: body.quote };
}
