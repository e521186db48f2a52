import { lpStream, type LengthPrefixedStream } from "@libp2p/utils";
import type { Connection, Libp2p, PeerId, Stream } from "@libp2p/interface";
import type { Multiaddr } from "@multiformats/multiaddr";
import { ServiceError, UserError } from "../core/errors/index.js";
import type { RateLimiter } from "./rateLimiter.js";
import { RpcRemoteError, answer, callerOf, type RpcContext, type RpcHandler } from "./rpc.js";

/**
 * RPC channels: one long-lived stream per (peer, protocol) carrying many requests, each a
 * length-prefixed JSON frame `{ id, request }` answered by `{ id, ok }` or `{ id, error }`, in any
 * order. A stream per request costs a yamux open and close, a multistream-select negotiation and
 * a peer-store update on both sides, which was most of what the pool's libp2p traffic cost.
 * The checks are the per-stream protocol's: a wallet peer, the same per-peer rate (a request over
 * it is answered `RateLimited`, the channel stays), the size limit (an oversized or malformed
 * frame resets the channel: every call on it fails, the next call opens a new one).
 */

/** The channel protocol of a request/response protocol. */
export const channelProtocol = (protocol: string) => `${protocol}/channel`;

/** Requests of one channel handled at once; the next frame is read when one ends. */
const MAX_IN_FLIGHT = 64;

/** Serves `channelProtocol(protocol)` with `handler` (registered by handleRpc). */
export async function serveRpcChannel(
  node: Libp2p,
  protocol: string,
  handler: RpcHandler,
  o: {
    maxMessageBytes: number;
    limiter: RateLimiter;
    onRefused?: (reason: string, ctx: RpcContext | undefined) => void;
  },
): Promise<void> {
  await node.handle(
    protocol,
    async (stream: Stream, connection: Connection) => {
      const { ctx, refuse } = callerOf(stream, connection, o.onRefused);
      if (!ctx) return refuse("not a wallet peer");
      const lp = lpStream(stream, { maxDataLength: o.maxMessageBytes });
      const send = (frame: unknown) =>
        lp.write(Buffer.from(JSON.stringify(frame))).catch(() => undefined);
      let inFlight = 0;
      let slotFreed: (() => void) | undefined;
      for (;;) {
        let frame;
        try {
          frame = await lp.read();
        } catch (err) {
          // A frame over the limit is refused; anything else is the caller going away.
          const name = (err as Error).name;
          if (/^Invalid(Data|Message)Length/.test(name)) return refuse(`bad request: ${name}`);
          await stream.close().catch(() => undefined);
          return;
        }
        let id: unknown;
        let request: unknown;
        try {
          ({ id, request } = JSON.parse(Buffer.from(frame.subarray()).toString("utf8")));
        } catch (err) {
          return refuse(`bad request: ${(err as Error).name}`);
        }
        if (!Number.isSafeInteger(id)) return refuse("bad request: no id");
        if (!o.limiter.take(ctx.address)) {
          o.onRefused?.("rate limited", ctx);
          void send({
            id,
            error: { name: "RateLimited", message: "Too many requests; slow down." },
          });
          continue;
        }
        inFlight++;
        void answer(handler, request, ctx)
          .then((response) => send({ id, ...response }))
          .finally(() => {
            inFlight--;
            slotFreed?.();
          });
        while (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => (slotFreed = r));
      }
    },
    { maxInboundStreams: 8, force: true },
  );
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/** One open channel: its stream, its reader, the calls awaiting an answer. */
class Channel {
  readonly pending = new Map<number, Pending>();
  #nextId = 1;
  #closed = false;

  constructor(
    readonly stream: Stream,
    readonly lp: LengthPrefixedStream<Stream>,
    private readonly onClosed: () => void,
  ) {
    void this.#readLoop();
  }

  get open(): boolean {
    return !this.#closed;
  }

  async call(request: unknown, timeoutMs: number): Promise<unknown> {
    const id = this.#nextId++;
    const reply = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ServiceError(`Pool request timed out after ${timeoutMs} ms.`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
    });
    try {
      await this.lp.write(Buffer.from(JSON.stringify({ id, request })));
    } catch (cause) {
      this.close(cause as Error);
    }
    return reply;
  }

  close(cause: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.onClosed();
    this.stream.abort(cause);
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new ServiceError(`Pool channel closed: ${cause.message}`, { cause }));
    }
    this.pending.clear();
  }

  async #readLoop(): Promise<void> {
    for (;;) {
      let reply: { id?: number; ok?: unknown; error?: { name: string; message: string } };
      try {
        const frame = await this.lp.read();
        reply = JSON.parse(Buffer.from(frame.subarray()).toString("utf8"));
      } catch (err) {
        return this.close(err as Error);
      }
      const p = this.pending.get(reply.id ?? -1);
      if (!p) continue; // timed out meanwhile
      this.pending.delete(reply.id!);
      clearTimeout(p.timer);
      if (reply.error) p.reject(new RpcRemoteError(reply.error.name, reply.error.message));
      else if (!("ok" in reply)) p.reject(new UserError("Malformed pool response."));
      else p.resolve(reply.ok);
    }
  }
}

/**
 * A caller's channels, one per (peer, protocol), opened on first use and again after one closes.
 * @example const channels = new RpcChannels(node); await channels.call(peer, POOL_PROTOCOL, req)
 */
export class RpcChannels {
  readonly #node: Libp2p;
  readonly #open = new Map<string, Promise<Channel>>();

  constructor(node: Libp2p) {
    this.#node = node;
  }

  /**
   * Sends one request on the peer's channel and waits for its answer. `key` names the peer when
   * `peer` may be given as a PeerId or a multiaddr (default: `peer.toString()`).
   * @throws RpcRemoteError when the handler failed (or `RateLimited`); ServiceError on transport
   * failure or timeout.
   */
  async call<T>(
    peer: PeerId | Multiaddr,
    protocol: string,
    request: unknown,
    options: { timeoutMs?: number; maxMessageBytes?: number; key?: string } = {},
  ): Promise<T> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const key = `${options.key ?? peer.toString()}|${protocol}`;
    let opening = this.#open.get(key);
    if (!opening) {
      opening = this.#dial(peer, protocol, key, timeoutMs, options.maxMessageBytes);
      this.#open.set(key, opening);
      opening.catch(() => this.#open.delete(key));
    }
    const channel = await opening;
    return (await channel.call(request, timeoutMs)) as T;
  }

  /** Closes every channel (their pending calls fail). */
  close(): void {
    for (const [, c] of this.#open)
      void c.then((ch) => ch.close(new Error("closed by caller"))).catch(() => undefined);
    this.#open.clear();
  }

  async #dial(
    peer: PeerId | Multiaddr,
    protocol: string,
    key: string,
    timeoutMs: number,
    maxMessageBytes = 16 << 20,
  ): Promise<Channel> {
    let stream: Stream;
    try {
      stream = await this.#node.dialProtocol(peer, channelProtocol(protocol), {
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      throw new ServiceError(
        `Cannot reach pool peer ${peer.toString()} (${(cause as Error).message}).`,
        { cause },
      );
    }
    const lp = lpStream(stream, { maxDataLength: maxMessageBytes });
    const channel: Channel = new Channel(stream, lp, () => {
      if (this.#open.get(key) === opened) this.#open.delete(key);
    });
    const opened = Promise.resolve(channel);
    this.#open.set(key, opened);
    return channel;
  }
}
