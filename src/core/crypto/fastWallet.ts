import {
  Signature,
  SigningKey,
  Wallet,
  getBytes,
  hexlify,
  type BytesLike,
  type Provider,
} from "ethers";
import { signDigest } from "./secp256k1.js";

/**
 * ethers' SigningKey whose `sign` runs in libsecp256k1 (see secp256k1.ts): the same signature
 * bytes (RFC 6979 nonces, low s) in a tenth of the time of the pure-JS curve. Everything a Wallet
 * signs goes through `sign`: transactions, EIP-191 messages, EIP-712 typed data.
 */
class FastSigningKey extends SigningKey {
  readonly #key: Uint8Array;

  constructor(privateKey: BytesLike) {
    super(privateKey);
    this.#key = getBytes(this.privateKey);
  }

  override sign(digest: BytesLike): Signature {
    return Signature.from(signDigest(hexlify(digest), this.#key));
  }
}

/**
 * A Wallet for `privateKey` that signs through libsecp256k1: for services that sign per request
 * (schedulers, workers, their transactions).
 * @example const wallet = fastWallet(readKeyFile(path), provider);
 */
export function fastWallet(privateKey: string, provider?: Provider | null): Wallet {
  return new Wallet(new FastSigningKey(privateKey), provider ?? null);
}
