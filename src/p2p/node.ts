import { createLibp2p, type Libp2p } from "libp2p";
import { tcp } from "@libp2p/tcp";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { identify } from "@libp2p/identify";
import { gossipsub } from "@libp2p/gossipsub";
import type { ConnectionGater, PeerId } from "@libp2p/interface";
import { multiaddr, type Multiaddr } from "@multiformats/multiaddr";
import { addressOfPeer, libp2pKeyFromWallet } from "./identity.js";
import type { PubSub } from "./pubsub.js";
import { installLazyWindowUpdates } from "./yamuxWindow.js";

export interface P2PNodeInit {
  /** The member's wallet key: it is also its libp2p identity. */
  walletPrivateKey: string;
  /** Listen addresses; default one OS-assigned TCP port on 127.0.0.1. */
  listen?: string[];
  /**
   * Decides which wallets may connect (checked after the noise handshake, so the address is
   * authenticated). Return false to refuse the peer.
   */
  isAllowed: (address: string, peerId: PeerId) => boolean;
  /** Connection cap (default 64) and pending inbound cap (default 16). */
  maxConnections?: number;
  maxIncomingPendingConnections?: number;
  /** Inbound connection attempts per second per host before refusal (default 10). */
  inboundConnectionThreshold?: number;
}

export type P2PNode = Libp2p<{ pubsub: PubSub; identify: unknown }>;

/**
 * A pool network node: TCP + noise + yamux, identify, gossipsub, and a gater that refuses any peer
 * whose wallet `isAllowed` rejects (or whose key is not a wallet key).
 */
export async function createP2PNode(init: P2PNodeInit): Promise<P2PNode> {
  installLazyWindowUpdates();
  const gater: ConnectionGater = {
    denyInboundEncryptedConnection: (peerId) => !allowed(peerId),
    denyOutboundEncryptedConnection: (peerId) => !allowed(peerId),
    denyDialPeer: (peerId) => !allowed(peerId),
  };
  function allowed(peerId: PeerId): boolean {
    const address = addressOfPeer(peerId);
    return address !== undefined && init.isAllowed(address, peerId);
  }
  const node = await createLibp2p({
    privateKey: libp2pKeyFromWallet(init.walletPrivateKey),
    addresses: { listen: init.listen ?? ["/ip4/127.0.0.1/tcp/0"] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: gater,
    connectionManager: {
      maxConnections: init.maxConnections ?? 64,
      maxIncomingPendingConnections: init.maxIncomingPendingConnections ?? 16,
      inboundConnectionThreshold: init.inboundConnectionThreshold ?? 10,
    },
    services: {
      identify: identify(),
      pubsub: gossipsub({ allowPublishToZeroTopicPeers: true, emitSelf: false }) as never,
    },
  });
  return node as unknown as P2PNode;
}

/** The node's first listen address with its peer id, for others to dial. */
export function dialAddressOf(node: Libp2p): Multiaddr {
  const addr = node.getMultiaddrs()[0];
  if (!addr) throw new Error("p2p node has no listen address");
  return addr.toString().includes("/p2p/")
    ? addr
    : multiaddr(`${addr.toString()}/p2p/${node.peerId}`);
}
