import { TypedDataEncoder, getBytes, hashMessage, recoverAddress } from "ethers";
import type { TypedDataDomain } from "ethers";
import { WORKER_AUTHORIZATION_TYPES } from "../../src/core/results.js";

/** Signer of an EIP-191 message over 32 bytes, or undefined when the signature is invalid. */
export function recoverMessageSigner(digest: string, signature: string): string | undefined {
  try {
    return recoverAddress(hashMessage(getBytes(digest)), signature);
  } catch {
    return undefined;
  }
}

/** Signer of a WorkerAuthorization(worker, taskId, enclave), or undefined when invalid. */
export function recoverAuthorizationSigner(
  domain: TypedDataDomain,
  value: { worker: string; taskId: string; enclave: string },
  signature: string,
): string | undefined {
  try {
    return recoverAddress(
      TypedDataEncoder.hash(domain, WORKER_AUTHORIZATION_TYPES, value),
      signature,
    );
  } catch {
    return undefined;
  }
}

/** Case-insensitive address equality. */
export function sameAddress(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}
