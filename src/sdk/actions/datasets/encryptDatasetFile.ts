import { readFile } from "node:fs/promises";
import { encryptDataset } from "../../../core/crypto/index.js";
import { UserError } from "../../../core/errors/index.js";
import { writePrivateFile, writeAtomic } from "../../internal/files.js";

export interface EncryptDatasetFileParameters {
  /** The plain dataset file. */
  input: string;
  /** Where to write the encrypted file (default `<input>.enc`). */
  output?: string;
  /** Where to write the 32-byte key, base64, mode 0600 (default `<output>.key`). */
  keyOutput?: string;
}

export interface EncryptDatasetFileReturnType {
  output: string;
  keyPath: string;
  /** sha256 of the encrypted file: the on-chain checksum. */
  checksum: string;
  size: number;
}

/**
 * Encrypts a dataset file with AES-256-GCM under a fresh key (docs/PROTOCOLS.md §1), writes the
 * encrypted file and the key file, and returns the checksum to register on-chain.
 * @example const { checksum, keyPath } = await encryptDatasetFile({ input: "vitals.csv" });
 */
export async function encryptDatasetFile(
  params: EncryptDatasetFileParameters,
): Promise<EncryptDatasetFileReturnType> {
  let plain: Buffer;
  try {
    plain = await readFile(params.input);
  } catch {
    throw new UserError(`Cannot read ${params.input}.`);
  }
  const output = params.output ?? `${params.input}.enc`;
  const keyPath = params.keyOutput ?? `${output}.key`;
  const { file, key, checksum } = encryptDataset(plain);
  await writePrivateFile(keyPath, key.toString("base64") + "\n");
  await writeAtomic(output, file);
  return { output, keyPath, checksum, size: file.length };
}
