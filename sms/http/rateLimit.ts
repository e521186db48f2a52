import type { NextFunction, Request, RequestHandler, Response } from "express";
import { createTokenBuckets, type BucketSpec } from "../../src/core/tokenBuckets.js";
import type { SmsMetrics } from "../metrics.js";

export type { BucketSpec };

/** The body of every 429 the SMS answers. */
export const RATE_LIMITED_BODY = {
  error: { name: "RateLimited", reason: "RateLimited", message: "Too many requests." },
};

export interface RateLimiter extends RequestHandler {
  /**
   * Takes a token from `client`'s bucket: 0 when admitted, else the seconds until one is free (the
   * refusal is counted in the metrics).
   */
  admit(client: string): number;
  stop(): void;
}

/**
 * Token-bucket rate limiting per (client IP, route). Answers 429 with Retry-After when empty.
 * Idle buckets are swept every minute.
 */
export function rateLimit(
  route: string,
  spec: BucketSpec | undefined,
  metrics: SmsMetrics,
  clock: () => number = Date.now,
): RateLimiter {
  const buckets = spec ? createTokenBuckets(spec, clock) : undefined;
  const admit = (client: string): number => {
    if (!buckets) return 0;
    const wait = buckets.wait(client);
    if (wait > 0) {
      metrics.rateLimited.inc({ route });
      return wait;
    }
    buckets.take(client);
    return 0;
  };
  const handler = (req: Request, res: Response, next: NextFunction) => {
    const wait = admit(req.ip ?? req.socket.remoteAddress ?? "unknown");
    if (wait === 0) return next();
    res.setHeader("Retry-After", String(Math.ceil(wait)));
    res.status(429).json(RATE_LIMITED_BODY);
  };
  return Object.assign(handler, { admit, stop: () => buckets?.stop() });
}
