import { solidityPackedKeccak256 } from "ethers";
import type { TypedDataField } from "ethers";

/** The scheduler's vouching for (worker, task, enclave). */
export const WORKER_AUTHORIZATION_TYPES: Record<string, TypedDataField[]> = {
  WorkerAuthorization: [
    { name: "worker", type: "address" },
    { name: "taskId", type: "bytes32" },
    { name: "enclave", type: "address" },
  ],
};

/** What the per-task enclave key signs about its result. */
export const ENCLAVE_RESULT_TYPES: Record<string, TypedDataField[]> = {
  EnclaveResult: [
    { name: "resultHash", type: "bytes32" },
    { name: "resultSeal", type: "bytes32" },
    { name: "receiptHash", type: "bytes32" },
  ],
};

/** What a registered attestation verifier (the SMS) signs about an attested enclave. */
export const ATTESTATION_STATEMENT_TYPES: Record<string, TypedDataField[]> = {
  AttestationStatement: [
    { name: "taskId", type: "bytes32" },
    { name: "enclave", type: "address" },
    { name: "mrenclave", type: "bytes32" },
  ],
};

/** The vote: keccak256(abi.encodePacked(taskId, resultDigest)). */
export function resultHash(taskIdValue: string, resultDigest: string): string {
  return solidityPackedKeccak256(["bytes32", "bytes32"], [taskIdValue, resultDigest]);
}

/** The seal: keccak256(abi.encodePacked(worker, taskId, resultDigest)). */
export function resultSeal(worker: string, taskIdValue: string, resultDigest: string): string {
  return solidityPackedKeccak256(
    ["address", "bytes32", "bytes32"],
    [worker, taskIdValue, resultDigest],
  );
}

export interface WorkerAuthorization {
  worker: string;
  taskId: string;
  enclave: string;
}

export interface EnclaveResult {
  resultHash: string;
  resultSeal: string;
  receiptHash: string;
}

export interface AttestationStatement {
  taskId: string;
  enclave: string;
  mrenclave: string;
}
