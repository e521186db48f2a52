import { hashMessage } from "ethers";
import { recoverAddress } from "../core/crypto/secp256k1.js";

/** Uploads are signed by the worker's wallet (EIP-191) over this message. */
export function uploadMessage(
  kind: "result" | "receipt",
  contentHash: string,
  taskId: string,
  issuedAt: number,
): string {
  return `polis-${kind}-upload\n${contentHash.toLowerCase()}\n${taskId.toLowerCase()}\n${issuedAt}`;
}

/** Recovers the signer of an upload, or undefined when the signature is malformed. */
export function uploadSigner(message: string, signature: string): string | undefined {
  return recoverAddress(hashMessage(message), signature);
}
