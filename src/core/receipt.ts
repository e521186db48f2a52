import { keccak256 } from "ethers";
import { canonicalBytes } from "./canonical.js";

/** Version of the usage receipt format (docs/PROTOCOLS.md §7). */
export const RECEIPT_VERSION = 1;

/**
 * What an enclave certifies about one task execution (docs/PROTOCOLS.md §7). Its hash goes
 * on-chain with the result (`receiptHash`) and is covered by the enclave's `EnclaveResult`
 * signature; the enclave also signs the hash with EIP-191.
 */
export interface UsageReceipt {
  version: number;
  chainId: string;
  taskManager: string;
  dealId: string;
  taskId: string;
  app: string;
  mrenclave: string;
  datasetChecksum: string | null;
  inputHash: string;
  resultDigest: string;
  cpuMs: number;
  wallMs: number;
  peakMemoryBytes: number;
  startedAt: number;
  finishedAt: number;
  enclave: string;
}

/**
 * A receipt as served by a pool's result store at `GET /receipts/<taskId>`: the receipt and the
 * enclave's EIP-191 signature over its hash (`signMessage(getBytes(receiptHash))`).
 */
export interface SignedReceipt {
  receipt: UsageReceipt;
  signature: string;
}

/** keccak256 of the canonical JSON bytes of a receipt: the on-chain `receiptHash`. */
export function receiptHash(receipt: UsageReceipt): string {
  return keccak256(canonicalBytes(receipt));
}
