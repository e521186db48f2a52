// The usage receipt format is shared by the enclave, the SDK and the auditor: see src/core.
export {
  computeInputHash,
  receiptHash,
  verifyReceiptSignature,
  type InputFileDigest,
  type UsageReceipt,
} from "../core/receipt.js";
