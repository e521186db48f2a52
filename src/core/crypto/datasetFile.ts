import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { UserError } from "../errors/index.js";
import { sha256Hex } from "./bytes.js";

/** Magic of an encrypted dataset file; also the AES-GCM additional data (docs/PROTOCOLS.md §1). */
export const DATASET_MAGIC = Buffer.from("POLISDS1", "ascii");
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const DATASET_KEY_BYTES = 32;

export interface EncryptedDataset {
  /** The file to publish: magic || nonce || ciphertext || tag. */
  file: Buffer;
  /** 32-byte AES-256 key, to push to the SMS (never publish it). */
  key: Buffer;
  /** sha256 of `file`: the on-chain checksum. */
  checksum: string;
}

/**
 * Encrypts a dataset with AES-256-GCM under a fresh (or given) key.
 * @example const { file, key, checksum } = encryptDataset(readFileSync("vitals.csv"));
 */
export function encryptDataset(
  plain: Uint8Array,
  key: Buffer = randomBytes(DATASET_KEY_BYTES),
): EncryptedDataset {
  if (key.length !== DATASET_KEY_BYTES) throw new UserError("A dataset key must be 32 bytes.");
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(DATASET_MAGIC);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  const file = Buffer.concat([DATASET_MAGIC, nonce, body, cipher.getAuthTag()]);
  return { file, key, checksum: sha256Hex(file) };
}

/**
 * Decrypts a dataset file.
 * @throws UserError when the file is malformed or the key does not match (GCM tag check).
 */
export function decryptDataset(file: Uint8Array, key: Uint8Array): Buffer {
  const buf = Buffer.from(file);
  if (
    buf.length < DATASET_MAGIC.length + NONCE_BYTES + TAG_BYTES ||
    !buf.subarray(0, 8).equals(DATASET_MAGIC)
  ) {
    throw new UserError("Not a Polis encrypted dataset (bad header or too short).", {
      hint: "Encrypt it with `polis dataset encrypt <file>`.",
    });
  }
  if (key.length !== DATASET_KEY_BYTES) throw new UserError("A dataset key must be 32 bytes.");
  const nonce = buf.subarray(8, 8 + NONCE_BYTES);
  const tag = buf.subarray(buf.length - TAG_BYTES);
  const body = buf.subarray(8 + NONCE_BYTES, buf.length - TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", key, nonce);
  decipher.setAAD(DATASET_MAGIC);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch (cause) {
    throw new UserError("Dataset decryption failed: wrong key or corrupted file.", { cause });
  }
}
