import { getBytes, hashMessage } from "ethers";
import type { TypedDataDomain } from "ethers";
import { sealEnvelope, type Envelope } from "../../src/core/crypto/x25519.js";
import { taskId as computeTaskId } from "../../src/core/deal.js";
import { isSignedBy, signDigest } from "../../src/core/crypto/secp256k1.js";
import { createTaskTypedHashes, type TaskTypedHashes } from "./typedHashes.js";

/**
 * The secp256k1 work of one release: the worker's request signature, the scheduler's
 * authorization, the task id the request names, and the attestation statement over (task,
 * enclave, measurement). Flat strings only: it crosses to a worker thread once per release, where
 * a structured clone of the whole request (quote and certificates) would cost more than the hash.
 */
export interface VerifyJob {
  /** sessionRequestDigest(request). */
  requestDigest: string;
  worker: string;
  workerSignature: string;
  authorization: string;
  taskId: string;
  dealId: string;
  taskIndex: string;
  /** The quote's enclave address. */
  enclave: string;
  /** The quote's measurement. */
  mrenclave: string;
  /** The deal's scheduler (zero address when the deal is unknown). */
  scheduler: string;
}

export interface VerifyOutcome {
  /** taskId(dealId, taskIndex), lowercase: the request's taskId must equal it. */
  taskId: string;
  workerSignature: boolean;
  /** The scheduler's authorization recovers to the scheduler (an EOA scheduler). */
  authorization: boolean;
  /** The EIP-712 digest the scheduler signed, for an ERC-1271 check of a contract scheduler. */
  authorizationDigest: string;
  /**
   * The verifier key's signature over the attestation statement of (taskId, enclave, mrenclave),
   * made with the checks so that a release needs one trip to a crypto thread. It is worth nothing
   * until the release policy approves: a denied request never sees it.
   */
  statement: string;
}

/** The CPU-heavy part of a release, runnable inline or in a worker thread. */
export interface ReleaseCrypto {
  verify(job: VerifyJob): VerifyOutcome;
}

/**
 * Seals `plaintext` to the enclave's X25519 key (AAD = task id): OpenSSL calls only (X25519,
 * HKDF, AES-GCM), cheaper on the calling thread than a hop to a worker.
 */
export function sealSecrets(
  encryptionKey: string,
  plaintext: Uint8Array,
  taskId: string,
): Envelope {
  return sealEnvelope(Buffer.from(encryptionKey, "base64"), plaintext, getBytes(taskId));
}

/** Signatures are checked and made with libsecp256k1 (src/core/crypto/secp256k1.ts). */
export function createReleaseCrypto(
  domain: TypedDataDomain,
  verifierPrivateKey: string,
): ReleaseCrypto {
  const hashes: TaskTypedHashes = createTaskTypedHashes(domain);
  const verifierKey = getBytes(verifierPrivateKey);
  return {
    verify(job) {
      const requestHash = hashMessage(getBytes(job.requestDigest));
      const authorizationDigest = hashes.workerAuthorization(job.worker, job.taskId, job.enclave);
      return {
        taskId: computeTaskId(job.dealId, BigInt(job.taskIndex)),
        workerSignature: isSignedBy(requestHash, job.workerSignature, job.worker),
        authorization: isSignedBy(authorizationDigest, job.authorization, job.scheduler),
        authorizationDigest,
        statement: signDigest(
          hashes.attestationStatement(job.taskId, job.enclave, job.mrenclave),
          verifierKey,
        ),
      };
    },
  };
}
