import { getBytes, keccak256, verifyMessage } from "ethers";
import { canonicalBytes } from "./canonical.js";
import { sha256Hex } from "./crypto/bytes.js";

/** Version of the usage receipt format (docs/PROTOCOLS.md §7). */
export const RECEIPT_VERSION = 1;

/**
 * What an enclave certifies about one task execution (docs/PROTOCOLS.md §7). Its hash goes
 * on-chain with the result (`receiptHash`) and is covered by the enclave's `EnclaveResult`
 * signature; the enclave also signs the hash with EIP-191.
 */
export interface UsageReceipt {
  version: 1;
  chainId: string;
  taskManager: string;
  dealId: string;
  taskId: string;
  app: string;
  mrenclave: string;
  /** On-chain checksum of the encrypted dataset, or null without a dataset. */
  datasetChecksum: string | null;
  inputHash: string;
  resultDigest: string;
  cpuMs: number;
  wallMs: number;
  peakMemoryBytes: number;
  /** Unix milliseconds. */
  startedAt: number;
  finishedAt: number;
  enclave: string;
  /** The app ran in an empty network namespace. */
  networkIsolated: boolean;
}

/**
 * A receipt as served by a pool's result store at `GET /receipts/<taskId>`: the receipt and the
 * enclave's EIP-191 signature over its hash (`signMessage(getBytes(receiptHash))`).
 */
export interface SignedReceipt {
  receipt: UsageReceipt;
  signature: string;
  /**
   * The attestation quote the SMS accepted for this enclave (public: measurement, enclave
   * address, encryption public key, platform certificate chain), so auditors can check the chain
   * to the attestation root later. Not covered by the receipt hash; it is self-authenticating.
   */
  quote?: unknown;
}

/** One input file as hashed into `inputHash`. */
export interface InputFileDigest {
  path: string;
  sha256: string;
}

/**
 * inputHash = sha256(canonical JSON { dataset: sha256 of the decrypted dataset or null, params,
 * files: [{ path, sha256 }] sorted by path }).
 */
export function computeInputHash(
  datasetPlain: Uint8Array | null,
  params: string,
  files: readonly InputFileDigest[],
): string {
  return sha256Hex(
    canonicalBytes({
      dataset: datasetPlain ? sha256Hex(datasetPlain) : null,
      params,
      files: [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    }),
  );
}

/** receiptHash (on-chain) = keccak256(canonical JSON of the receipt). */
export function receiptHash(receipt: UsageReceipt): string {
  return keccak256(canonicalBytes(receipt));
}

/**
 * Checks a receipt's EIP-191 signature (`signMessage(bytes32 receiptHash)`) by its enclave.
 * @returns true when `signature` was made by `receipt.enclave` over this receipt.
 */
export function verifyReceiptSignature(receipt: UsageReceipt, signature: string): boolean {
  try {
    const signer = verifyMessage(getBytes(receiptHash(receipt)), signature);
    return signer.toLowerCase() === receipt.enclave.toLowerCase();
  } catch {
    return false;
  }
}

/** What a receipt must say about a task, from the chain. */
export type ReceiptExpectation = Pick<
  UsageReceipt,
  | "taskManager"
  | "dealId"
  | "taskId"
  | "app"
  | "mrenclave"
  | "datasetChecksum"
  | "resultDigest"
  | "enclave"
> & { chainId: bigint | string };

/**
 * The fields where a receipt disagrees with the chain (empty when it describes this task).
 * @example if (receiptMismatches(receipt, expected).length) reject();
 */
export function receiptMismatches(r: UsageReceipt, e: ReceiptExpectation): string[] {
  const eq = (a: unknown, b: string) =>
    typeof a === "string" && a.toLowerCase() === b.toLowerCase();
  return [
    !eq(r.taskId, e.taskId) && "taskId",
    !eq(r.dealId, e.dealId) && "dealId",
    !eq(r.app, e.app) && "app",
    !eq(r.mrenclave, e.mrenclave) && "mrenclave",
    !eq(r.resultDigest, e.resultDigest) && "resultDigest",
    !eq(r.enclave, e.enclave) && "enclave",
    !eq(r.taskManager, e.taskManager) && "taskManager",
    String(r.chainId) !== e.chainId.toString() && "chainId",
    (e.datasetChecksum === null
      ? r.datasetChecksum !== null
      : !eq(r.datasetChecksum, e.datasetChecksum)) && "datasetChecksum",
  ].filter((x): x is string => typeof x === "string");
}
