import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from "node:crypto";
import { UserError } from "../errors/index.js";

/** An X25519 key pair; raw 32-byte public key, PKCS#8 PEM private key. */
export interface X25519KeyPair {
  publicKey: Buffer;
  privateKeyPem: string;
}

export const RESULT_MAGIC = Buffer.from("POLISRS1", "ascii");
export const RESULT_INFO = "polis/result/v1";
export const ENVELOPE_INFO = "polis/envelope/v1";
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** A fresh X25519 key pair (beneficiary result key, or an enclave encryption key). */
export function generateX25519KeyPair(): X25519KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync("x25519");
  return {
    publicKey: rawPublicKey(publicKey),
    privateKeyPem: privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
  };
}

/** A fresh X25519 key kept as a KeyObject (an enclave's per-task key: never exported). */
export function generateX25519Key(): { publicKey: Buffer; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync("x25519");
  return { publicKey: rawPublicKey(publicKey), privateKey };
}

/** Raw 32-byte public key of a private key PEM. */
export function publicKeyOf(privateKeyPem: string): Buffer {
  return rawPublicKey(createPublicKey(createPrivateKey(privateKeyPem)));
}

function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: "jwk" });
  return Buffer.from(jwk.x as string, "base64url");
}

function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new UserError("An X25519 public key must be 32 bytes.");
  return createPublicKey({
    key: { kty: "OKP", crv: "X25519", x: Buffer.from(raw).toString("base64url") },
    format: "jwk",
  });
}

function deriveKey(shared: Buffer, ephemeral: Buffer, recipient: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync("sha256", shared, Buffer.concat([ephemeral, recipient]), info, 32));
}

export interface SealedParts {
  ephemeralKey: Buffer;
  nonce: Buffer;
  /** Ciphertext with the 16-byte GCM tag appended. */
  ciphertext: Buffer;
}

/**
 * Hybrid encryption to an X25519 public key: ephemeral ECDH, HKDF-SHA256, AES-256-GCM with `aad`
 * (docs/PROTOCOLS.md §4, §6). Never RSA PKCS#1 v1.5.
 */
export function sealTo(
  recipient: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
  info: string,
): SealedParts {
  const recipientKey = publicKeyFromRaw(recipient);
  const { publicKey, privateKey } = generateKeyPairSync("x25519");
  const ephemeralKey = rawPublicKey(publicKey);
  const shared = diffieHellman({ privateKey, publicKey: recipientKey });
  const key = deriveKey(shared, ephemeralKey, Buffer.from(recipient), info);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { ephemeralKey, nonce, ciphertext: body };
}

/**
 * Opens what {@link sealTo} produced.
 * @throws UserError when the key is wrong or the data was altered.
 */
export function openWith(
  privateKeyPem: string | KeyObject,
  parts: SealedParts,
  aad: Uint8Array,
  info: string,
): Buffer {
  const privateKey =
    typeof privateKeyPem === "string" ? createPrivateKey(privateKeyPem) : privateKeyPem;
  const recipient = rawPublicKey(createPublicKey(privateKey));
  const shared = diffieHellman({ privateKey, publicKey: publicKeyFromRaw(parts.ephemeralKey) });
  const key = deriveKey(shared, parts.ephemeralKey, recipient, info);
  if (parts.ciphertext.length < TAG_BYTES) throw new UserError("Encrypted data is truncated.");
  const body = parts.ciphertext.subarray(0, parts.ciphertext.length - TAG_BYTES);
  const tag = parts.ciphertext.subarray(parts.ciphertext.length - TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", key, parts.nonce);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch (cause) {
    throw new UserError("Decryption failed: this key cannot open the data, or it was altered.", {
      cause,
      hint: "Use the beneficiary key the result was encrypted to.",
    });
  }
}

/** Result blob: "POLISRS1" || ephemeral (32) || nonce (12) || ciphertext || tag. AAD = taskId. */
export function encryptResult(
  beneficiaryKey: Uint8Array,
  archive: Uint8Array,
  taskId: Uint8Array,
): Buffer {
  const p = sealTo(beneficiaryKey, archive, taskId, RESULT_INFO);
  return Buffer.concat([RESULT_MAGIC, p.ephemeralKey, p.nonce, p.ciphertext]);
}

/** Decrypts a result blob with the beneficiary's private key. */
export function decryptResult(privateKeyPem: string, blob: Uint8Array, taskId: Uint8Array): Buffer {
  const buf = Buffer.from(blob);
  if (buf.length < 8 + 32 + NONCE_BYTES + TAG_BYTES || !buf.subarray(0, 8).equals(RESULT_MAGIC)) {
    throw new UserError("Not a Polis encrypted result (bad header or too short).");
  }
  return openWith(
    privateKeyPem,
    {
      ephemeralKey: buf.subarray(8, 40),
      nonce: buf.subarray(40, 52),
      ciphertext: buf.subarray(52),
    },
    taskId,
    RESULT_INFO,
  );
}

/** JSON envelope (SMS secrets to an enclave). */
export interface Envelope {
  ephemeralKey: string;
  nonce: string;
  ciphertext: string;
}

export function sealEnvelope(
  recipient: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
): Envelope {
  const p = sealTo(recipient, plaintext, aad, ENVELOPE_INFO);
  return {
    ephemeralKey: p.ephemeralKey.toString("base64"),
    nonce: p.nonce.toString("base64"),
    ciphertext: p.ciphertext.toString("base64"),
  };
}

export function openEnvelope(
  privateKeyPem: string | KeyObject,
  envelope: Envelope,
  aad: Uint8Array,
): Buffer {
  return openWith(
    privateKeyPem,
    {
      ephemeralKey: Buffer.from(envelope.ephemeralKey, "base64"),
      nonce: Buffer.from(envelope.nonce, "base64"),
      ciphertext: Buffer.from(envelope.ciphertext, "base64"),
    },
    aad,
    ENVELOPE_INFO,
  );
}
