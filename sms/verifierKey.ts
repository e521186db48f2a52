import { randomBytes } from "node:crypto";
import { open, readFile, stat } from "node:fs/promises";
import { SigningKey, hexlify } from "ethers";

/**
 * Loads the SMS's attestation verifier key (secp256k1, hex), creating it with mode 0400 on first
 * start. Governance registers its address with `TaskManager.setAttestationVerifier`.
 */
export async function loadOrCreateVerifierKey(path: string): Promise<SigningKey> {
  try {
    const handle = await open(path, "wx", 0o400);
    const key = new SigningKey(hexlify(randomBytes(32)));
    try {
      await handle.writeFile(key.privateKey + "\n");
      await handle.sync();
    } finally {
      await handle.close();
    }
    return key;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  if (((await stat(path)).mode & 0o077) !== 0)
    throw new Error(`${path}: the verifier key must not be readable by group or others`);
  return new SigningKey((await readFile(path, "utf8")).trim());
}
