import type { Libp2p, PeerId } from "@libp2p/interface";
import { peerIdFromString } from "@libp2p/peer-id";
import { multiaddr, type Multiaddr } from "@multiformats/multiaddr";

const CODE_P2P = 421;

/**
 * A peer's address (`.../p2p/<id>`), parsed once. libp2p parses a multiaddr's peer id on every
 * dial, and for a secp256k1 identity that decodes the public key in pure JS (twice per dial):
 * ~4 ms of a worker's CPU per task. `dialable()` gives the PeerId while a connection to it is
 * open (libp2p reuses it without parsing), and the multiaddr otherwise, to (re)connect.
 */
export function peerTarget(address: string): {
  address: string;
  dialable(node: Libp2p): PeerId | Multiaddr;
} {
  const ma = multiaddr(address);
  const id = ma.getComponents().findLast((c) => c.code === CODE_P2P)?.value;
  const peer = id === undefined ? undefined : peerIdFromString(id);
  return {
    address,
    dialable: (node) => (peer && node.getConnections(peer).length > 0 ? peer : ma),
  };
}
