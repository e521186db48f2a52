import { getBytes, keccak256 } from "ethers";
import { ZeroAddress } from "ethers";
import {
  RESULT_MAGIC,
  decryptResult as decryptBlob,
  sha256Hex,
  unpackArchive,
} from "../../../core/crypto/index.js";
import type { ArchiveEntry } from "../../../core/crypto/index.js";
import { UserError } from "../../../core/errors/index.js";
import { IntegrityError, WrongResultKeyError } from "../../errors/index.js";

export interface DecryptResultParameters {
  taskId: string;
  blob: Uint8Array;
  /** The beneficiary's X25519 private key (PEM). Not needed for clear (non-TEE) results. */
  privateKeyPem?: string;
  /** On-chain digest to compare with (skipped when absent). */
  expectedDigest?: string;
  /** The deal's callback: when set, the digest is keccak256(callback.bin). */
  callback?: string;
}

export interface DecryptResultReturnType {
  /** The plain deterministic archive. */
  archive: Buffer;
  files: ArchiveEntry[];
  /** Recomputed result digest (sha256 of the archive, or keccak256 of callback.bin). */
  digest: string;
  encrypted: boolean;
}

/**
 * Decrypts a result blob with the beneficiary key (X25519 + HKDF + AES-GCM, AAD = taskId),
 * unpacks the archive and recomputes the result digest; when `expectedDigest` is given it must
 * match the on-chain one.
 * @throws WrongResultKeyError when the key cannot open the blob; IntegrityError when the
 * digest differs; UserError for malformed blobs.
 * @example const { files } = await decryptResult({ taskId, blob, privateKeyPem, expectedDigest });
 */
export function decryptResult(params: DecryptResultParameters): DecryptResultReturnType {
  const blob = Buffer.from(params.blob);
  const encrypted = blob.length >= 8 && blob.subarray(0, 8).equals(RESULT_MAGIC);
  let archive: Buffer;
  if (encrypted) {
    if (!params.privateKeyPem) {
      throw new UserError(`The result of task ${params.taskId} is encrypted.`, {
        hint: "Pass the beneficiary key with --key <file> (from `polis result keygen`).",
      });
    }
    try {
      archive = decryptBlob(params.privateKeyPem, blob, getBytes(params.taskId));
    } catch (cause) {
      if (cause instanceof UserError && /Decryption failed/.test(cause.shortMessage)) {
        throw new WrongResultKeyError(params.taskId);
      }
      if (cause instanceof Error && /key/i.test(cause.message) && !(cause instanceof UserError)) {
        throw new UserError("The result key file is not a valid X25519 private key.", { cause });
      }
      throw cause;
    }
  } else {
    archive = blob;
  }
  const files = unpackArchive(archive);
  const callbackFile = files.find((f) => f.path === "callback.bin");
  const digest =
    params.callback && params.callback !== ZeroAddress
      ? keccak256(callbackFile?.data ?? new Uint8Array())
      : sha256Hex(archive);
  if (params.expectedDigest && params.expectedDigest.toLowerCase() !== digest) {
    throw new IntegrityError(
      `The result digest of task ${params.taskId}`,
      params.expectedDigest.toLowerCase(),
      digest,
      { hint: "The decrypted result is not the one committed on-chain." },
    );
  }
  return { archive, files, digest, encrypted };
}
