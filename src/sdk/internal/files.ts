import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/** Writes a file atomically (temp file + rename), creating its folder. */
export async function writeAtomic(path: string, data: string | Uint8Array, mode = 0o644) {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, data, { mode });
  await rename(tmp, path);
}

/** Writes a secret (a key) readable only by its owner (mode 0600). */
export async function writePrivateFile(path: string, data: string | Uint8Array) {
  await writeAtomic(path, data, 0o600);
}
