import type { Quote } from "../attestation/quote.js";
import type { Deal } from "../../core/deal.js";
import type { EnclaveConfig } from "../measurement.js";
import type { UsageReceipt } from "../receipt.js";
import type { EnclaveFailure } from "../errors.js";

/** Everything the worker tells the enclave host about one TEE task. */
export interface EnclaveTaskSpec {
  /** Chain id and task manager: the EIP-712 domain of results and statements. */
  chainId: bigint;
  taskManager: string;
  dealId: string;
  /** The deal as emitted in DealCreated (the SMS re-reads and checks it). */
  deal: Deal;
  taskIndex: bigint;
  /** The request's params string (from DealCreated). */
  params: string;
  /** The worker's address (paid, and bound into the result seal). */
  worker: string;
  /** Base URL of the SMS, e.g. http://127.0.0.1:13300. */
  smsUrl: string;
  app: {
    /** Bundle folder or Polis archive file. */
    bundlePath: string;
    config: EnclaveConfig;
  };
  /** The deal's dataset: where to fetch it (http(s) URL or file path) and its on-chain checksum. */
  dataset?: { url: string; checksum: string };
}

/** Per-phase durations, milliseconds. */
export interface EnclavePhaseTimings {
  setupMs: number;
  sessionMs: number;
  precomputeMs: number;
  computeMs: number;
  postcomputeMs: number;
}

/** What the worker gets back: everything `TaskManager.pushResult` needs, and the blob to store. */
export interface EnclaveTaskResult {
  taskId: string;
  dealId: string;
  taskIndex: bigint;
  worker: string;
  enclave: string;
  mrenclave: string;
  resultDigest: string;
  receiptHash: string;
  receipt: UsageReceipt;
  /** The enclave's EIP-191 signature over receiptHash. */
  receiptSignature: string;
  /** The enclave's EIP-712 EnclaveResult(resultHash, resultSeal, receiptHash) signature. */
  enclaveSignature: string;
  /** The SMS verifier's EIP-712 AttestationStatement(taskId, enclave, mrenclave). */
  attestation: string;
  verifier: string;
  /** The quote the SMS accepted (public evidence, published next to the receipt). */
  quote: Quote;
  /** The result archive encrypted to the beneficiary (PROTOCOLS §4 blob). */
  encryptedResult: Uint8Array;
  /** sha256 of encryptedResult, 0x-hex: its address in the pool's result store. */
  encryptedResultSha256: string;
  /** Bytes for the deal's callback ("0x" without callback). */
  callbackData: string;
  usage: { cpuMs: number; wallMs: number; peakMemoryBytes: number };
  isolation: { networkIsolated: boolean; rlimitsApplied: boolean; accounting: string };
  timings: EnclavePhaseTimings;
}

/** A failure as it crosses the process boundary (never carries secrets). */
export interface SerializedEnclaveError {
  reason: EnclaveFailure;
  message: string;
  details?: string;
}

export type ParentMessage =
  | { type: "run"; id: number; spec: EnclaveTaskSpec }
  | { type: "authorization"; id: number; signature: string }
  | { type: "workerSignature"; id: number; signature: string }
  | { type: "hookFailed"; id: number; message: string }
  | { type: "shutdown" };

export type HostMessage =
  | { type: "ready"; networkIsolated: boolean; platformId: string }
  | { type: "needAuthorization"; id: number; enclave: string }
  | { type: "needWorkerSignature"; id: number; digest: string }
  | { type: "result"; id: number; result: EnclaveTaskResult }
  | { type: "error"; id: number; error: SerializedEnclaveError }
  | { type: "fatal"; message: string };
