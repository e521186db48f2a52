import { getBytes, hashMessage } from "ethers";
import type { TypedDataDomain } from "ethers";
import { sealEnvelope, type Envelope } from "../../src/core/crypto/x25519.js";
import { taskId as computeTaskId } from "../../src/core/deal.js";
import { isSignedBy, signDigest } from "../../src/core/crypto/secp256k1.js";
import { createTaskTypedHashes, type TaskTypedHashes } from "./typedHashes.js";

/**
 * The signature checks of one release (worker's request signature, scheduler's authorization) and
 * the task id it names. Flat strings only: it crosses to a worker thread, where a structured clone
 * of the whole request (quote and certificates) would cost the main thread more than the hash.
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
}

/** Sealing the released secrets to the enclave and signing the attestation statement. */
export interface SealJob {
  encryptionKey: string;
  plaintext: Uint8Array;
  taskId: string;
  enclave: string;
  mrenclave: string;
}

export interface SealOutcome {
  secrets: Envelope;
  attestation: string;
}

/** The attestation statement to sign: (task, enclave, app measurement). */
export type StatementJob = Pick<SealJob, "taskId" | "enclave" | "mrenclave">;

/**
 * The CPU-heavy part of a release, runnable inline or in a worker thread: the libsecp256k1 work
 * (two recoveries per check, one signature per statement) and the keccak hashing around it.
 */
export interface ReleaseCrypto {
  verify(job: VerifyJob): VerifyOutcome;
  /** The verifier key's signature over the statement's EIP-712 digest. */
  signStatement(job: StatementJob): string;
}

/**
 * Seals `plaintext` to the enclave's X25519 key (AAD = task id): OpenSSL calls only (X25519,
 * HKDF, AES-GCM), so it stays on the calling thread and costs less than a hop to a worker.
 */
export function sealSecrets(
  job: Pick<SealJob, "encryptionKey" | "plaintext" | "taskId">,
): Envelope {
  return sealEnvelope(
    Buffer.from(job.encryptionKey, "base64"),
    job.plaintext,
    getBytes(job.taskId),
  );
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
      };
    },
    signStatement({ taskId, enclave, mrenclave }) {
      return signDigest(hashes.attestationStatement(taskId, enclave, mrenclave), verifierKey);
    },
  };
}
