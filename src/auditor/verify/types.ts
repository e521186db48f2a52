import type { Deal } from "../../core/index.js";
import type { PolisClient } from "../../sdk/client.js";

/** Outcome of one evidence step. "skip" = not applicable, or provided by another module. */
export type EvidenceStatus = "pass" | "fail" | "skip";

/** One step of a task's evidence check. */
export interface EvidenceStep {
  /** Stable id: task-completed, deal, orders, scheduler-authorization, enclave-signature,
   * attestation, certificate-chain, usage-receipt. */
  id: string;
  title: string;
  status: EvidenceStatus;
  message: string;
  details?: Record<string, string>;
}

/** What `verifyTaskEvidence` returns: ok when no step failed. */
export interface TaskEvidence {
  taskId: string;
  dealId?: string;
  ok: boolean;
  steps: EvidenceStep[];
}

/** The fast-path result a worker pushed, decoded from the completion transaction. */
export interface PushedResult {
  index: bigint;
  worker: string;
  resultDigest: string;
  receiptHash: string;
  enclave: string;
  enclaveSignature: string;
  attestation: string;
  results: string;
  authorization: string;
  sender: string;
}

/** Everything gathered about a completed task, handed to pluggable checks. */
export interface EvidenceContext {
  client: PolisClient;
  taskId: string;
  dealId: string;
  deal: Deal;
  dealBlock: number;
  completion: {
    worker: string;
    enclave: string;
    resultDigest: string;
    receiptHash: string;
    results: string;
    index: bigint;
    blockNumber: number;
    transactionHash: string;
  };
  /** Present for fast-path (pushResult / pushResults) completions. */
  pushed?: PushedResult;
}

/** A check another module plugs in (the enclave module's certificate chain and usage receipt). */
export type EvidenceCheck = (
  ctx: EvidenceContext,
) => Promise<Pick<EvidenceStep, "status" | "message" | "details">>;
