import { lpStream } from "@libp2p/utils";
import type { Libp2p, PeerId, Stream, Connection } from "@libp2p/interface";
import type { Multiaddr } from "@multiformats/multiaddr";
import { ServiceError, UserError } from "../core/errors/index.js";
import { addressOfPeer } from "./identity.js";
import { RateLimiter } from "./rateLimiter.js";
import { channelProtocol, serveRpcChannel } from "./rpcChannel.js";

/** Who sent a request: the authenticated wallet behind the connection. */
export interface RpcContext {
  peerId: PeerId;
  address: string;
}

export interface RpcHandlerOptions {
  /** Largest request frame in bytes (default 1 MiB); larger ones reset the stream. */
  maxMessageBytes?: number;
  /** Requests per second per peer (default 50) with a burst of `burst` (default 100). */
  perSecond?: number;
  burst?: number;
  /** Time to read the request (default 10 s). */
  timeoutMs?: number;
  /** Called when a request is refused (oversized, malformed, rate limited). */
  onRefused?: (reason: string, ctx: RpcContext | undefined) => void;
}

/** What an RPC handler returns; errors are returned as `{ error: { name, message } }`. */
export type RpcHandler = (request: unknown, ctx: RpcContext) => Promise<unknown>;

const DEFAULT_MAX = 1 << 20;

/**
 * Serves a request/response protocol: one length-prefixed JSON request and one response per
 * stream, and on `<protocol>/channel` many requests per stream, tagged with ids (rpcChannel.ts).
 * Frames above the size limit, malformed JSON and peers over their rate are refused without
 * reaching the handler.
 */
export async function handleRpc(
  node: Libp2p,
  protocol: string,
  handler: RpcHandler,
  options: RpcHandlerOptions = {},
): Promise<void> {
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX;
  const limiter = new RateLimiter(options.burst ?? 100, options.perSecond ?? 50);
  const timeoutMs = options.timeoutMs ?? 10_000;
  await node.handle(
    protocol,
    async (stream: Stream, connection: Connection) => {
      const { ctx, refuse } = callerOf(stream, connection, options.onRefused);
      if (!ctx) return refuse("not a wallet peer");
      if (!limiter.take(ctx.address)) return refuse("rate limited");
      const lp = lpStream(stream, { maxDataLength: maxMessageBytes });
      let request: unknown;
      try {
        const frame = await lp.read({ signal: AbortSignal.timeout(timeoutMs) });
        request = JSON.parse(Buffer.from(frame.subarray()).toString("utf8"));
      } catch (err) {
        return refuse(`bad request: ${(err as Error).name}`);
      }
      const response = await answer(handler, request, ctx);
      try {
        await lp.write(Buffer.from(JSON.stringify(response)), {
          signal: AbortSignal.timeout(timeoutMs),
        });
        await stream.close();
      } catch {
        stream.abort(new Error("write failed"));
      }
    },
    { maxInboundStreams: 64, force: true },
  );
  await serveRpcChannel(node, channelProtocol(protocol), handler, {
    maxMessageBytes,
    limiter,
    onRefused: options.onRefused,
  });
}

/**
 * Who is calling on `stream` (the wallet behind the connection, if its peer id is one) and how to
 * refuse them: report the reason, then reset the stream.
 */
export function callerOf(
  stream: Stream,
  connection: Connection,
  onRefused?: (reason: string, ctx: RpcContext | undefined) => void,
): { ctx: RpcContext | undefined; refuse(reason: string): void } {
  const peerId = connection.remotePeer;
  const address = addressOfPeer(peerId);
  const ctx = address ? { peerId, address } : undefined;
  return {
    ctx,
    refuse(reason) {
      onRefused?.(reason, ctx);
      stream.abort(new Error(reason));
    },
  };
}

/** A handler's outcome as the wire carries it: `{ ok }` or `{ error: { name, message } }`. */
export async function answer(
  handler: RpcHandler,
  request: unknown,
  ctx: RpcContext,
): Promise<{ ok: unknown } | { error: { name: string; message: string } }> {
  try {
    return { ok: await handler(request, ctx) };
  } catch (err) {
    const e = err as Error & { shortMessage?: string };
    return { error: { name: e.name ?? "Error", message: e.shortMessage ?? e.message } };
  }
}

/** An RPC answered with an error by the remote handler. */
export class RpcRemoteError extends ServiceError {
  override name = "RpcRemoteError";
  constructor(
    readonly remoteName: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Sends one request and waits for the response.
 * @throws RpcRemoteError when the handler failed; ServiceError on transport failure or timeout.
 */
export async function callRpc<T>(
  node: Libp2p,
  peer: PeerId | Multiaddr,
  protocol: string,
  request: unknown,
  options: { timeoutMs?: number; maxMessageBytes?: number } = {},
): Promise<T> {
  const signal = AbortSignal.timeout(options.timeoutMs ?? 30_000);
  let stream: Stream;
  try {
    stream = await node.dialProtocol(peer, protocol, { signal });
  } catch (cause) {
    throw new ServiceError(
      `Cannot reach pool peer ${peer.toString()} (${(cause as Error).message}).`,
      { cause },
    );
  }
  const lp = lpStream(stream, { maxDataLength: options.maxMessageBytes ?? 16 * DEFAULT_MAX });
  let reply: { ok?: T; error?: { name: string; message: string } };
  try {
    await lp.write(Buffer.from(JSON.stringify(request)), { signal });
    const frame = await lp.read({ signal });
    reply = JSON.parse(Buffer.from(frame.subarray()).toString("utf8"));
    await stream.close().catch(() => undefined);
  } catch (cause) {
    stream.abort(cause as Error);
    throw new ServiceError(`Pool request ${protocol} failed: ${(cause as Error).message}`, {
      cause,
    });
  }
  if (reply.error) throw new RpcRemoteError(reply.error.name, reply.error.message);
  if (!("ok" in reply)) throw new UserError("Malformed pool response.");
  return reply.ok as T;
}
