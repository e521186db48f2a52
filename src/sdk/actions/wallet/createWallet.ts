import { Wallet, encryptKeystoreJson } from "ethers";
import { UserError } from "../../../core/errors/index.js";
import { DEFAULT_SCRYPT_N, useNativeScrypt, writeKeystore } from "./keystore.js";

export interface CreateWalletParameters {
  /** Where to write the encrypted JSON keystore (mode 0600). */
  path: string;
  password: string;
  /** scrypt cost (power of two); default 2^17. Lower only for tests. */
  scryptN?: number;
  /** Replace an existing keystore at `path`. */
  overwrite?: boolean;
}

export interface CreateWalletReturnType {
  address: string;
  path: string;
}

/** Minimum password length for new keystores. */
export const MIN_PASSWORD_LENGTH = 8;

/**
 * Creates a random key and stores it as an ethers encrypted JSON keystore (scrypt + AES-128-CTR).
 * The private key never leaves the file unencrypted.
 * @example const { address } = await createWallet({ path: ".polis/wallet.json", password });
 */
export async function createWallet(
  params: CreateWalletParameters,
): Promise<CreateWalletReturnType> {
  const wallet = Wallet.createRandom();
  return storeWallet(wallet, params);
}

/** Encrypts `wallet` into a keystore at `params.path`. */
export async function storeWallet(
  wallet: { address: string; privateKey: string },
  params: CreateWalletParameters,
): Promise<CreateWalletReturnType> {
  if (params.password.length < MIN_PASSWORD_LENGTH) {
    throw new UserError(`The password must have at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  useNativeScrypt();
  const json = await encryptKeystoreJson(
    { address: wallet.address, privateKey: wallet.privateKey },
    params.password,
    { scrypt: { N: params.scryptN ?? DEFAULT_SCRYPT_N } },
  );
  await writeKeystore(params.path, json, params.overwrite);
  return { address: wallet.address, path: params.path };
}
