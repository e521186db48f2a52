import { readFile } from "node:fs/promises";
import { decryptDataset } from "../../../core/crypto/index.js";
import { UserError } from "../../../core/errors/index.js";
import { writeAtomic } from "../../internal/files.js";
import { inspectDatasetFile } from "./inspectDatasetFile.js";

export interface DecryptDatasetFileParameters {
  input: string;
  /** File holding the base64 (or 0x-hex) key. */
  keyPath: string;
  output: string;
}

/**
 * Decrypts a Polis dataset file with its key (owner-side check before publishing).
 * @throws MalformedDatasetFileError, UserError (wrong key or corrupted file).
 * @example await decryptDatasetFile({ input: "v.enc", keyPath: "v.enc.key", output: "v.csv" });
 */
export async function decryptDatasetFile(
  params: DecryptDatasetFileParameters,
): Promise<{ output: string; size: number; checksum: string }> {
  const { checksum } = await inspectDatasetFile(params.input);
  const key = await readDatasetKey(params.keyPath);
  const plain = decryptDataset(await readFile(params.input), key);
  await writeAtomic(params.output, plain);
  return { output: params.output, size: plain.length, checksum };
}

/**
 * Reads a dataset key file (base64 or 0x-hex, 32 bytes).
 * @throws UserError when missing or not 32 bytes.
 */
export async function readDatasetKey(path: string): Promise<Buffer> {
  let text: string;
  try {
    text = (await readFile(path, "utf8")).trim();
  } catch {
    throw new UserError(`Cannot read the key file ${path}.`);
  }
  const key = text.startsWith("0x")
    ? Buffer.from(text.slice(2), "hex")
    : Buffer.from(text, "base64");
  if (key.length !== 32) throw new UserError(`${path} does not hold a 32-byte key.`);
  return key;
}
