import { StreamState, YamuxStream } from "@chainsafe/libp2p-yamux/stream";

/**
 * Yamux window updates as the Go implementation (and the spec's advice) sends them: once half
 * the receive window is consumed, not after every data frame. js-yamux 8 answers each frame
 * with an update, so every RPC message cost a second frame back (noise-encrypted, one more
 * socket write and wake-up on each side): on the pool's long-lived RPC channels that doubled the
 * frames per task. Flow control is unchanged: the sender still stops at an empty window, and
 * an update still goes out once half of it is used; state changes (SYN/ACK/FIN flags) still
 * send theirs at once.
 */
export function installLazyWindowUpdates(): void {
  const proto = YamuxStream.prototype as unknown as WindowedStream & { [LAZY]?: true };
  if (proto[LAZY]) return;
  const eager = proto.sendWindowUpdate;
  proto.sendWindowUpdate = function (this: WindowedStream) {
    if (this.state === StreamState.Established && this.recvWindowCapacity * 2 > this.recvWindow)
      return;
    eager.call(this);
  };
  proto[LAZY] = true;
}

const LAZY = Symbol.for("polis.yamux.lazyWindowUpdates");

interface WindowedStream {
  state: StreamState;
  recvWindow: number;
  recvWindowCapacity: number;
  sendWindowUpdate(): void;
}
