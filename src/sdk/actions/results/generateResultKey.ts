import { readFile } from "node:fs/promises";
import { generateX25519KeyPair, publicKeyOf } from "../../../core/crypto/index.js";
import { UserError } from "../../../core/errors/index.js";
import { writePrivateFile } from "../../internal/files.js";

export interface GenerateResultKeyParameters {
  /** Where to write the private key (PKCS#8 PEM, mode 0600). */
  path: string;
  overwrite?: boolean;
}

export interface GenerateResultKeyReturnType {
  path: string;
  /** Raw X25519 public key, base64: what enclaves encrypt results to. */
  publicKey: string;
}

/**
 * Creates the beneficiary's X25519 result key. Results are encrypted to its public key
 * (docs/PROTOCOLS.md §4); push it with `pushResultKey` so enclaves can find it.
 * @example const { publicKey } = await generateResultKey({ path: ".polis/result-key.pem" });
 */
export async function generateResultKey(
  params: GenerateResultKeyParameters,
): Promise<GenerateResultKeyReturnType> {
  if (!params.overwrite) {
    const exists = await readFile(params.path).then(
      () => true,
      () => false,
    );
    if (exists) {
      throw new UserError(`A result key already exists at ${params.path}.`, {
        hint: "Pass --force to replace it (results encrypted to the old key become unreadable).",
      });
    }
  }
  const pair = generateX25519KeyPair();
  await writePrivateFile(params.path, pair.privateKeyPem);
  return { path: params.path, publicKey: pair.publicKey.toString("base64") };
}

/**
 * Reads a result private key and its public key.
 * @throws UserError when the file is missing or not an X25519 PEM key.
 */
export async function readResultKey(path: string): Promise<{ pem: string; publicKey: string }> {
  let pem: string;
  try {
    pem = await readFile(path, "utf8");
  } catch {
    throw new UserError(`No result key at ${path}.`, {
      hint: "Create one with `polis result keygen` or pass --key <file>.",
    });
  }
  try {
    return { pem, publicKey: publicKeyOf(pem).toString("base64") };
  } catch (cause) {
    throw new UserError(`${path} is not an X25519 private key (PEM).`, { cause });
  }
}
