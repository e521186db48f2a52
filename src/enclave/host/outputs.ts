import { lstat, readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import type { ArchiveEntry } from "../../core/crypto/archive.js";
import { EnclaveError } from "../errors.js";

/**
 * Reads the app's output folder: regular files only (a symlink, socket or device is refused, so
 * the app cannot smuggle a host file into its result), within `maxBytes` in total. Paths under
 * `.polis/` are reserved for the enclave.
 * @throws EnclaveError("OutputInvalid" | "OutputTooLarge")
 */
export async function collectOutputs(outDir: string, maxBytes: number): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [];
  let total = 0;
  const walk = async (dir: string, prefix: string) => {
    for (const name of (await readdir(dir)).sort()) {
      const full = join(dir, name);
      const rel = prefix + name;
      const info = await lstat(full);
      if (info.isDirectory()) {
        await walk(full, rel + "/");
      } else if (info.isFile()) {
        if (rel.startsWith(".polis/"))
          throw new EnclaveError("OutputInvalid", "Output paths under .polis/ are reserved.");
        total += info.size;
        if (total > maxBytes)
          throw new EnclaveError("OutputTooLarge", `Outputs exceed ${maxBytes} bytes.`);
        entries.push({ path: rel, data: await readFile(full) });
      } else {
        throw new EnclaveError("OutputInvalid", `Output ${rel} is not a regular file.`);
      }
    }
  };
  await walk(outDir, "");
  return entries;
}
