import { hashMessage } from "ethers";
import { recoverAddress } from "../core/crypto/secp256k1.js";

/**
 * Uploads are signed by the worker's wallet (EIP-191) over this message. A result uploaded with
 * its receipt also commits to the receipt's bytes (`receiptContentHash`, sha256).
 */
export function uploadMessage(
  kind: "result" | "receipt",
  contentHash: string,
  taskId: string,
  issuedAt: number,
  receiptContentHash?: string,
): string {
  const message = `polis-${kind}-upload\n${contentHash.toLowerCase()}\n${taskId.toLowerCase()}\n${issuedAt}`;
  return receiptContentHash ? `${message}\nreceipt ${receiptContentHash.toLowerCase()}` : message;
}

/** Recovers the signer of an upload, or undefined when the signature is malformed. */
export function uploadSigner(message: string, signature: string): string | undefined {
  return recoverAddress(hashMessage(message), signature);
}
