import { getBytes, hashMessage } from "ethers";
import { recoverAddress } from "../core/crypto/secp256k1.js";
import { receiptHash, type SignedReceipt } from "../core/receipt.js";

/**
 * Checks an uploaded receipt before it is stored: JSON `{ receipt, signature }` for `taskId`,
 * signed (EIP-191 over its hash) by the enclave the receipt names. Returns its hash. A worker
 * cannot store a receipt in an enclave's name, nor one for another task.
 */
export function parseSignedReceipt(
  body: string,
  taskId: string,
): { hash: string } | { error: string } {
  let signed: Partial<SignedReceipt>;
  try {
    signed = JSON.parse(body) as Partial<SignedReceipt>;
  } catch {
    return { error: "The receipt is not JSON." };
  }
  const r = signed?.receipt;
  if (
    !r ||
    typeof r !== "object" ||
    typeof r.taskId !== "string" ||
    typeof r.enclave !== "string" ||
    typeof signed.signature !== "string"
  ) {
    return { error: "Expected { receipt, signature } with the receipt's taskId and enclave." };
  }
  if (r.taskId.toLowerCase() !== taskId.toLowerCase())
    return { error: "The receipt is for another task than the URL names." };
  const hash = receiptHash(r);
  const signer = recoverAddress(hashMessage(getBytes(hash)), signed.signature);
  if (!signer) return { error: "The receipt signature is malformed." };
  if (signer.toLowerCase() !== r.enclave.toLowerCase())
    return { error: `The receipt is signed by ${signer}, not by its enclave ${r.enclave}.` };
  return { hash };
}
