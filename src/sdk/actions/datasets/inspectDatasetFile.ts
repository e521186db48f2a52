import { readFile } from "node:fs/promises";
import { DATASET_MAGIC, sha256Hex } from "../../../core/crypto/index.js";
import { UserError } from "../../../core/errors/index.js";
import { MalformedDatasetFileError } from "../../errors/index.js";

/** Smallest possible encrypted dataset: magic (8) + nonce (12) + tag (16). */
const MIN_SIZE = 36;

export interface InspectDatasetFileReturnType {
  /** sha256 of the file: what `createDataset` registers as checksum. */
  checksum: string;
  size: number;
}

/**
 * Checks that a file is a Polis encrypted dataset (header and size) and returns its checksum.
 * @throws MalformedDatasetFileError for plain or truncated files.
 * @example const { checksum } = await inspectDatasetFile("vitals.csv.enc");
 */
export async function inspectDatasetFile(path: string): Promise<InspectDatasetFileReturnType> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    throw new UserError(`Cannot read ${path}.`);
  }
  if (bytes.length < 8 || !bytes.subarray(0, 8).equals(DATASET_MAGIC)) {
    throw new MalformedDatasetFileError(path, 'it does not start with "POLISDS1"');
  }
  if (bytes.length < MIN_SIZE) {
    throw new MalformedDatasetFileError(path, `it is truncated (${bytes.length} bytes)`);
  }
  return { checksum: sha256Hex(bytes), size: bytes.length };
}
