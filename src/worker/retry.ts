import type { Logger } from "pino";
import { ServiceError } from "../core/errors/index.js";
import { RpcRemoteError } from "../p2p/rpc.js";

/**
 * Whether a failure may go away by itself: the scheduler or its result store unreachable (e.g.
 * restarting), a timeout, a 5xx. Refusals (the remote handler said no, a 4xx) are final.
 */
export function isTransient(err: unknown): boolean {
  return err instanceof ServiceError && !(err instanceof RpcRemoteError);
}

export interface RetryOptions {
  /** Stops retrying (the last error is thrown) once aborted. */
  signal: AbortSignal;
  /** Gives up after this long (ms). */
  maxMs: number;
  /** What is being retried, for the log. */
  what: string;
  logger?: Logger;
}

/**
 * Runs `run`, retrying transient failures with backoff (200 ms doubling to 2 s) for up to
 * `maxMs`, so a scheduler restart does not fail the tasks its workers are running.
 */
export async function retryTransient<T>(run: () => Promise<T>, o: RetryOptions): Promise<T> {
  const deadline = Date.now() + o.maxMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (!isTransient(err) || o.signal.aborted || Date.now() >= deadline) throw err;
      if (attempt === 0)
        o.logger?.warn(
          { what: o.what, err: (err as Error).message },
          "transient failure; retrying",
        );
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(2_000, 200 * 2 ** attempt));
        o.signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
      });
    }
  }
}
