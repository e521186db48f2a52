import { Wallet } from "ethers";
import { UserError } from "../../../core/errors/index.js";
import { storeWallet } from "./createWallet.js";
import type { CreateWalletReturnType } from "./createWallet.js";

export interface ImportWalletParameters {
  /** A 0x-prefixed 32-byte private key, or a BIP-39 mnemonic (first account). */
  secret: string;
  path: string;
  password: string;
  scryptN?: number;
  overwrite?: boolean;
}

/**
 * Imports an existing key (private key or mnemonic) into an encrypted JSON keystore.
 * @example await importWallet({ secret: process.env.KEY!, path: "w.json", password });
 */
export async function importWallet(
  params: ImportWalletParameters,
): Promise<CreateWalletReturnType> {
  const secret = params.secret.trim();
  let wallet: { address: string; privateKey: string };
  try {
    if (/^(0x)?[0-9a-fA-F]{64}$/.test(secret)) {
      wallet = new Wallet(secret.startsWith("0x") ? secret : `0x${secret}`);
    } else {
      wallet = Wallet.fromPhrase(secret);
    }
  } catch {
    throw new UserError("That is neither a private key (64 hex digits) nor a valid mnemonic.");
  }
  return storeWallet(wallet, params);
}
