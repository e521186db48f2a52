import { TypedDataEncoder, getBytes, keccak256, toUtf8Bytes } from "ethers";
import type { TypedDataDomain } from "ethers";

const WORKER_AUTHORIZATION_TYPEHASH = getBytes(
  keccak256(toUtf8Bytes("WorkerAuthorization(address worker,bytes32 taskId,address enclave)")),
);
const ATTESTATION_STATEMENT_TYPEHASH = getBytes(
  keccak256(toUtf8Bytes("AttestationStatement(bytes32 taskId,address enclave,bytes32 mrenclave)")),
);

/**
 * EIP-712 digests of the two task-domain structs the SMS handles on every release, with the domain
 * separator computed once (ethers' generic TypedDataEncoder re-derives types and the domain on
 * each call). Tests check these equal TypedDataEncoder.hash.
 */
export interface TaskTypedHashes {
  workerAuthorization(worker: string, taskId: string, enclave: string): string;
  attestationStatement(taskId: string, enclave: string, mrenclave: string): string;
}

export function createTaskTypedHashes(domain: TypedDataDomain): TaskTypedHashes {
  const separator = getBytes(TypedDataEncoder.hashDomain(domain));
  const digest = (struct: Uint8Array) =>
    keccak256(Buffer.concat([Buffer.from([0x19, 0x01]), separator, struct]));
  const word = (hex: string) => {
    const b = getBytes(hex);
    const out = Buffer.alloc(32);
    out.set(b, 32 - b.length);
    return out;
  };
  const structHash = (typeHash: Uint8Array, ...fields: string[]) =>
    getBytes(keccak256(Buffer.concat([typeHash, ...fields.map(word)])));
  return {
    workerAuthorization: (worker, taskId, enclave) =>
      digest(structHash(WORKER_AUTHORIZATION_TYPEHASH, worker, taskId, enclave)),
    attestationStatement: (taskId, enclave, mrenclave) =>
      digest(structHash(ATTESTATION_STATEMENT_TYPEHASH, taskId, enclave, mrenclave)),
  };
}
