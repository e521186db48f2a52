import type { ResultRequest } from "../pool/protocol.js";

/** A FastResult as the TaskManager ABI expects it. */
export interface FastResultArgs {
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

export function toFastResult(r: ResultRequest["result"]): FastResultArgs {
  return { ...r, index: BigInt(r.index) };
}
