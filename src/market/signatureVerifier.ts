import { checkSignature, type EcdsaStatus } from "../core/crypto/secp256k1.js";

export type { EcdsaStatus };

/**
 * Verifies 65-byte low-s ECDSA signatures against an expected signer exactly as the hub does
 * (ecrecover == signer, Signatures.sol's length and malleability checks), with libsecp256k1
 * (about 0.25 ms a check): no per-signer state, so a flood of one-off wallets costs nothing more.
 */
export interface SignatureVerifier {
  verify(digest: string, signature: string, signer: string): EcdsaStatus;
}

export function createSignatureVerifier(): SignatureVerifier {
  return { verify: checkSignature };
}
