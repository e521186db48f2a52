import { Wallet, decryptKeystoreJson, getAddress } from "ethers";
import { UserError } from "../../../core/errors/index.js";
import type { Provider } from "ethers";
import { WrongPasswordError } from "../../errors/index.js";
import { readKeystore, useNativeScrypt } from "./keystore.js";

export interface LoadWalletParameters {
  path: string;
  password: string;
  /** Connect the wallet to this provider. */
  provider?: Provider;
}

/**
 * Decrypts a JSON keystore into a Wallet.
 * @throws WrongPasswordError when the password does not open it; UserError when the file is
 * missing or malformed.
 * @example const wallet = await loadWallet({ path: ".polis/wallet.json", password, provider });
 */
export async function loadWallet(params: LoadWalletParameters): Promise<Wallet> {
  const { json } = await readKeystore(params.path);
  useNativeScrypt();
  let privateKey: string;
  try {
    privateKey = (await decryptKeystoreJson(json, params.password)).privateKey;
  } catch (error) {
    if (/incorrect password/i.test(String((error as Error).message))) {
      throw new WrongPasswordError(params.path);
    }
    throw new UserError(`${params.path} is not a valid encrypted JSON keystore.`, {
      cause: error,
    });
  }
  return new Wallet(privateKey, params.provider ?? null);
}

/**
 * The address of a keystore, read without the password.
 * @example const address = await readWalletAddress(".polis/wallet.json");
 */
export async function readWalletAddress(path: string): Promise<string> {
  return getAddress((await readKeystore(path)).address);
}
