import type { TypedDataDomain, TypedDataField } from "ethers";

/** What can be pushed to the SMS, and who may push it (docs/PROTOCOLS.md §5). */
export type SecretKind = "dataset-key" | "app-secret" | "requester-secret" | "beneficiary-key";

export const SECRET_KINDS: readonly SecretKind[] = [
  "dataset-key",
  "app-secret",
  "requester-secret",
  "beneficiary-key",
];

/** EIP-712 domain of SMS pushes: `{ name: "Polis SMS", version: "1", chainId }`. */
export function smsDomain(chainId: bigint | number): TypedDataDomain {
  return { name: "Polis SMS", version: "1", chainId };
}

/** The owner's consent to store one secret value, bound to a single-use SMS challenge. */
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

export interface SecretPush {
  kind: SecretKind;
  target: string;
  /** Secret name for requester secrets; "" otherwise. */
  name: string;
  /** sha256 of the secret bytes. */
  valueHash: string;
  nonce: string;
  expiresAt: bigint;
}
