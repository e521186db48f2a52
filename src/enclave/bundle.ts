import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { unpackArchive } from "../core/crypto/archive.js";
import { isSafeRelativePath } from "../core/measurement.js";
import { EnclaveError } from "./errors.js";

/**
 * Unpacks an app bundle archive into `appDir` (files read-only), refusing unsafe paths and a
 * bundle without its entrypoint.
 * @throws EnclaveError("BundleInvalid")
 */
export async function unpackBundle(
  bundle: Buffer,
  appDir: string,
  entrypoint: string,
): Promise<void> {
  let entries;
  try {
    entries = unpackArchive(bundle);
  } catch (cause) {
    throw new EnclaveError("BundleInvalid", "The app bundle is not a valid archive.", { cause });
  }
  if (!entries.some((e) => e.path === entrypoint))
    throw new EnclaveError("BundleInvalid", `The bundle has no entrypoint ${entrypoint}.`);
  await mkdir(appDir, { mode: 0o700 });
  for (const e of entries) {
    if (!isSafeRelativePath(e.path))
      throw new EnclaveError("BundleInvalid", `Unsafe path in bundle: ${e.path}.`);
    const target = join(appDir, e.path);
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    await writeFile(target, e.data, { mode: 0o400 });
  }
}
