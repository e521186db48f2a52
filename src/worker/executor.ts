import type { Assignment } from "../pool/protocol.js";
import type { SignedReceipt } from "../core/receipt.js";

/** What running a task produced, persisted by the worker before it acts on it. */
export interface ExecutionOutcome {
  /** On-chain result digest (docs/PROTOCOLS.md §4). */
  resultDigest: string;
  /** Base64 of the blob to store (encrypted for the beneficiary, or the clear archive). */
  blob: string;
  /** The usage receipt and its enclave signature (TEE), served by the result store. */
  receipt?: SignedReceipt;
  receiptHash: string;
  /** Hex callback data when the deal has a callback. */
  callbackData: string;
  /** TEE proofs (zero address / "0x" for standard tasks). */
  enclave: string;
  enclaveSignature: string;
  attestation: string;
  /** Where the time went (ms), for metrics and the pool bench. */
  timings?: Record<string, number>;
}

export interface ExecutionContext {
  /** Asks the scheduler to vouch for (worker, task, enclave); TEE executors call it once their
   * enclave has a key. */
  authorize(enclave: string): Promise<string>;
  /** Seal/hash inputs: the worker's address. */
  worker: string;
  signal: AbortSignal;
}

/** Runs one assignment: in an attested enclave (TEE) or a plain sandbox (standard). */
export interface TaskExecutor {
  execute(assignment: Assignment, ctx: ExecutionContext): Promise<ExecutionOutcome>;
}
