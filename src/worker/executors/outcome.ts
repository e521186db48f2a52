import { hexlify, keccak256, ZeroAddress, ZeroHash } from "ethers";
import { packArchive, type ArchiveEntry } from "../../core/crypto/archive.js";
import { sha256Hex } from "../../core/crypto/bytes.js";
import { encryptResult } from "../../core/crypto/x25519.js";
import { UserError } from "../../core/errors/index.js";
import type { ExecutionOutcome } from "../executor.js";

/**
 * A standard task's outcome from its outputs (docs/PROTOCOLS.md §4): the unsalted archive (so
 * replicas agree), its sha256 as digest (keccak256 of callback.bin with a callback), stored
 * encrypted to the beneficiary when it has a key, in clear otherwise.
 */
export function standardOutcome(
  outputs: ArchiveEntry[],
  taskId: string,
  hasCallback: boolean,
  beneficiaryKey: Buffer | undefined,
): ExecutionOutcome {
  const archive = packArchive(outputs);
  let resultDigest = sha256Hex(archive);
  let callbackData = "0x";
  if (hasCallback) {
    const cb = outputs.find((e) => e.path === "callback.bin");
    if (!cb) throw new UserError("A callback deal needs the app to write callback.bin.");
    callbackData = hexlify(cb.data);
    resultDigest = keccak256(cb.data);
  }
  const blob = beneficiaryKey
    ? encryptResult(beneficiaryKey, archive, Buffer.from(taskId.slice(2), "hex"))
    : archive;
  return {
    resultDigest,
    blob: blob.toString("base64"),
    receiptHash: ZeroHash,
    callbackData,
    enclave: ZeroAddress,
    enclaveSignature: "0x",
    attestation: "0x",
  };
}
