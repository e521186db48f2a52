import { hexlify, toUtf8Bytes } from "ethers";
import type { EnclaveTaskResult } from "./host/protocol.js";

/** The FastResult struct of TaskManager.pushResult / pushResults. */
export interface FastResultInput {
  index: bigint;
  worker: string;
  resultDigest: string;
  receiptHash: string;
  enclave: string;
  enclaveSignature: string;
  attestation: string;
  results: string;
  callbackData: string;
}

/**
 * Builds the on-chain FastResult from an enclave result and the URL where the worker stored the
 * encrypted blob (`results` is not signed by the enclave: it is only emitted).
 * @example await taskManager.pushResult(dealId, deal, toFastResult(out, url), authorization);
 */
export function toFastResult(out: EnclaveTaskResult, resultsUrl: string): FastResultInput {
  return {
    index: out.taskIndex,
    worker: out.worker,
    resultDigest: out.resultDigest,
    receiptHash: out.receiptHash,
    enclave: out.enclave,
    enclaveSignature: out.enclaveSignature,
    attestation: out.attestation,
    results: hexlify(toUtf8Bytes(resultsUrl)),
    callbackData: out.callbackData,
  };
}
