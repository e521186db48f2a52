import { verifyMessage } from "ethers";

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
  try {
    return verifyMessage(message, signature);
  } catch {
    return undefined;
  }
}
