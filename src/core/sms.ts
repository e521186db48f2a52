import { createHash } from "node:crypto";
import type { TypedDataDomain, TypedDataField } from "ethers";
import { canonicalBytes } from "./canonical.js";

/**
 * The SMS wire formats shared by the SMS (sms/), the enclave runtime (src/enclave) and clients
 * (SDK, CLI): docs/PROTOCOLS.md §3 and §5.
 */

/** What can be pushed to the SMS, and who may push it. */
export type SecretKind = "dataset-key" | "app-secret" | "requester-secret" | "beneficiary-key";
export const SECRET_KINDS: readonly SecretKind[] = [
  "dataset-key",
  "app-secret",
  "requester-secret",
  "beneficiary-key",
];

/** EIP-712 domain of SMS pushes (no verifying contract: the nonce binds the SMS instance). */
export function smsDomain(chainId: bigint | number): TypedDataDomain {
  return { name: "Polis SMS", version: "1", chainId };
}

export const SECRET_PUSH_TYPES: Record<string, TypedDataField[]> = {
  SecretPush: [
    { name: "kind", type: "string" },
    { name: "target", type: "address" },
    { name: "name", type: "string" },
    { name: "valueHash", type: "bytes32" },
    { name: "nonce", type: "bytes32" },
    { name: "expiresAt", type: "uint256" },
  ],
};

/** The message an owner signs to push a secret (`name` is "" unless kind is requester-secret). */
export interface SecretPush {
  kind: SecretKind;
  target: string;
  name: string;
  /** sha256 of the secret bytes, 0x-hex. */
  valueHash: string;
  nonce: string;
  expiresAt: bigint;
}

/** POST /v1/challenges response. */
export interface PushChallenge {
  challengeId: string;
  nonce: string;
  expiresAt: number;
}

/** PUT /v1/secrets/<kind>/<target>[/<name>] body. */
export interface SecretPushBody {
  challengeId: string;
  /** The secret, base64. */
  value: string;
  signature: string;
}

/** POST /v1/nonces response. */
export interface SessionNonce {
  nonce: string;
  expiresAt: number;
}

/** POST /v1/sessions body, without the worker's signature. */
export interface UnsignedSessionRequest {
  taskId: string;
  dealId: string;
  /** Task index in the deal, decimal. */
  taskIndex: string;
  worker: string;
  /** The SMS nonce the quote's reportData binds. */
  nonce: string;
  /** The enclave quote (docs/PROTOCOLS.md §2), as JSON. */
  quote: unknown;
  /** Scheduler's EIP-712 WorkerAuthorization(worker, taskId, enclave). */
  authorization: string;
}

export interface SessionRequest extends UnsignedSessionRequest {
  /** Worker's EIP-191 signature over sessionRequestDigest(request). */
  workerSignature: string;
}

/** What the SMS releases to an attested enclave, sealed to its X25519 key (AAD = taskId). */
export interface ReleasedSecrets {
  /** The dataset key, base64 (32 bytes). */
  datasetKey?: string;
  /** On-chain checksum of the deal's dataset, as the SMS read it. */
  datasetChecksum?: string;
  appSecret?: string;
  requesterSecrets: Record<string, string>;
  /** The beneficiary's X25519 public key, base64. */
  beneficiaryKey?: string;
}

/** POST /v1/sessions response. */
export interface SessionResponse {
  taskId: string;
  enclave: string;
  mrenclave: string;
  secrets: { ephemeralKey: string; nonce: string; ciphertext: string };
  attestation: string;
  verifier: string;
}

/**
 * sha256(canonical JSON of the request without `workerSignature`), 0x-hex: the 32 bytes the worker
 * signs with EIP-191 (`signMessage(bytes32)`). sha256, not keccak256: the request carries a ~4 KB
 * quote and the SMS hashes one per release.
 */
export function sessionRequestDigest(request: UnsignedSessionRequest): string {
  const { taskId, dealId, taskIndex, worker, nonce, quote, authorization } = request;
  const bytes = canonicalBytes({ taskId, dealId, taskIndex, worker, nonce, quote, authorization });
  return "0x" + createHash("sha256").update(bytes).digest("hex");
}

/** Record id of a secret: `<kind>/<target lowercase>[/<name>]` (also its AES-GCM AAD at rest). */
export function secretRecordId(kind: SecretKind, target: string, name = ""): string {
  return name === ""
    ? `${kind}/${target.toLowerCase()}`
    : `${kind}/${target.toLowerCase()}/${name}`;
}

/** Names of requester secrets: 1-64 of [A-Za-z0-9._-]. */
export const SECRET_NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The requester secrets a deal asks for: the `secrets` field of its params JSON, an array of names
 * (`{"args": "...", "secrets": ["db-password"]}`). Invalid JSON or names ask for nothing.
 */
export function requestedSecretNames(params: string): string[] {
  try {
    const parsed = JSON.parse(params) as { secrets?: unknown };
    if (!Array.isArray(parsed.secrets)) return [];
    return [
      ...new Set(
        parsed.secrets.filter(
          (n): n is string => typeof n === "string" && SECRET_NAME_PATTERN.test(n),
        ),
      ),
    ].slice(0, 32);
  } catch {
    return [];
  }
}
