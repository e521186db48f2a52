import { randomBytes, hkdfSync } from "node:crypto";
import { open, readFile, stat } from "node:fs/promises";

export const MASTER_KEY_BYTES = 32;

/**
 * Loads the SMS master key, creating it on first start: 32 random bytes in a new file of mode 0400
 * (`wx`: never overwrites), fsynced. An existing key must be 32 bytes and unreadable by group and
 * others.
 * @throws Error when the file has a wrong size or permissive mode.
 */
export async function loadOrCreateMasterKey(path: string): Promise<Buffer> {
  try {
    const handle = await open(path, "wx", 0o400);
    const key = randomBytes(MASTER_KEY_BYTES);
    try {
      await handle.writeFile(key);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return key;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  const info = await stat(path);
  if ((info.mode & 0o077) !== 0)
    throw new Error(`${path}: the master key must not be readable by group or others (chmod 400)`);
  const key = await readFile(path);
  if (key.length !== MASTER_KEY_BYTES) throw new Error(`${path}: a master key is 32 bytes`);
  return key;
}

/** A purpose-specific 32-byte key derived from the master key (HKDF-SHA256). */
export function deriveKey(masterKey: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", masterKey, Buffer.alloc(0), `polis-sms/${purpose}`, 32));
}
