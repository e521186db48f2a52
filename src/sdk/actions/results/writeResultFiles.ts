import { isAbsolute, join, normalize, sep } from "node:path";
import type { ArchiveEntry } from "../../../core/crypto/index.js";
import { ServiceError } from "../../../core/errors/index.js";
import { writeAtomic } from "../../internal/files.js";

/**
 * Writes the files of a result archive under `dir`, refusing any path that would escape it
 * (absolute paths, "..") since archives come from untrusted workers. `.polis/` entries (the
 * salt) are skipped unless `includeInternal` is set.
 * @returns The relative paths written.
 * @example await writeResultFiles("results/0xabc", files);
 */
export async function writeResultFiles(
  dir: string,
  files: readonly ArchiveEntry[],
  includeInternal = false,
): Promise<string[]> {
  const written: string[] = [];
  for (const file of files) {
    const clean = normalize(file.path);
    if (isAbsolute(clean) || clean.split(sep).includes("..") || clean.includes("\0")) {
      throw new ServiceError(`The result archive holds an unsafe path: ${file.path}`);
    }
    if (!includeInternal && clean.startsWith(".polis")) continue;
    await writeAtomic(join(dir, clean), file.data);
    written.push(clean);
  }
  return written;
}
