import { getBytes, hashMessage } from "ethers";
import type { TypedDataDomain } from "ethers";
import { sealEnvelope, type Envelope } from "../../src/core/crypto/x25519.js";
import { sessionRequestDigest, type SessionRequest } from "../../src/core/sms.js";
import { isSignedBy, signDigest } from "../../src/core/crypto/secp256k1.js";
import { createTaskTypedHashes, type TaskTypedHashes } from "./typedHashes.js";

/** The signature checks of one release (worker's request signature, scheduler's authorization). */
export interface VerifyJob {
  request: SessionRequest;
  /** The quote's enclave address. */
  enclave: string;
  /** The deal's scheduler (zero address when the deal is unknown). */
  scheduler: string;
}

export interface VerifyOutcome {
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

/** The CPU-heavy part of a release, runnable inline or in a worker thread. */
export interface ReleaseCrypto {
  verify(job: VerifyJob): VerifyOutcome;
  seal(job: SealJob): SealOutcome;
}

/** Signatures are checked and made with libsecp256k1 (src/core/crypto/secp256k1.ts). */
export function createReleaseCrypto(
  domain: TypedDataDomain,
  verifierPrivateKey: string,
): ReleaseCrypto {
  const hashes: TaskTypedHashes = createTaskTypedHashes(domain);
  const verifierKey = getBytes(verifierPrivateKey);
  return {
    verify({ request, enclave, scheduler }) {
      const requestHash = hashMessage(getBytes(sessionRequestDigest(request)));
      const authorizationDigest = hashes.workerAuthorization(
        request.worker,
        request.taskId,
        enclave,
      );
      return {
        workerSignature: isSignedBy(requestHash, request.workerSignature, request.worker),
        authorization: isSignedBy(authorizationDigest, request.authorization, scheduler),
        authorizationDigest,
      };
    },
    seal({ encryptionKey, plaintext, taskId, enclave, mrenclave }) {
      return {
        secrets: sealEnvelope(Buffer.from(encryptionKey, "base64"), plaintext, getBytes(taskId)),
        attestation: signDigest(
          hashes.attestationStatement(taskId, enclave, mrenclave),
          verifierKey,
        ),
      };
    },
  };
}
