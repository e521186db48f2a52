import { privateKeyFromRaw } from "@libp2p/crypto/keys";
import { peerIdFromPrivateKey } from "@libp2p/peer-id";
import type { PeerId, PrivateKey } from "@libp2p/interface";
import { computeAddress, getAddress, hexlify } from "ethers";
import { UserError } from "../core/errors/index.js";

/**
 * A pool member's libp2p identity is its Ethereum (secp256k1) key, so the noise handshake proves
 * possession of the wallet and a peer id maps to exactly one address: no extra signature, no
 * binding to forge.
 */
export function libp2pKeyFromWallet(privateKeyHex: string): PrivateKey {
  const raw = Buffer.from(privateKeyHex.replace(/^0x/, ""), "hex");
  if (raw.length !== 32) throw new UserError("A wallet private key must be 32 bytes.");
  const key = privateKeyFromRaw(raw);
  if (key.type !== "secp256k1") throw new UserError("Expected a secp256k1 wallet key.");
  return key;
}

/** The peer id a wallet key has on the pool network. */
export function peerIdOfWallet(privateKeyHex: string): PeerId {
  return peerIdFromPrivateKey(libp2pKeyFromWallet(privateKeyHex));
}

// Decompressing a public key costs a modular square root (~2 ms in pure JS): once per peer.
const addresses = new Map<string, string>();

/** The Ethereum address behind a peer id, or undefined for non-secp256k1 peers. */
export function addressOfPeer(peerId: PeerId): string | undefined {
  if (peerId.type !== "secp256k1" || peerId.publicKey === undefined) return undefined;
  const key = peerId.toString();
  let address = addresses.get(key);
  if (address === undefined) {
    address = getAddress(computeAddress(hexlify(peerId.publicKey.raw)));
    if (addresses.size >= 4096) addresses.delete(addresses.keys().next().value!);
    addresses.set(key, address);
  }
  return address;
}
