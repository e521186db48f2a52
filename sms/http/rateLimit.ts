import type { NextFunction, Request, RequestHandler, Response } from "express";
import { createTokenBuckets, type BucketSpec } from "../../src/core/tokenBuckets.js";
import type { SmsMetrics } from "../metrics.js";

export type { BucketSpec };

/**
 * Token-bucket rate limiting per (client IP, route). Answers 429 with Retry-After when empty.
 * Idle buckets are swept every minute.
 */
export function rateLimit(
  route: string,
  spec: BucketSpec | undefined,
  metrics: SmsMetrics,
  clock: () => number = Date.now,
): RequestHandler & { stop(): void } {
  const buckets = spec ? createTokenBuckets(spec, clock) : undefined;
  const handler = (req: Request, res: Response, next: NextFunction) => {
    if (!buckets) return next();
    const key = req.ip ?? req.socket.remoteAddress ?? "unknown";
    const wait = buckets.wait(key);
    if (wait > 0) {
      metrics.rateLimited.inc({ route });
      res.setHeader("Retry-After", String(Math.ceil(wait)));
      res.status(429).json({
        error: { name: "RateLimited", reason: "RateLimited", message: "Too many requests." },
      });
      return;
    }
    buckets.take(key);
    next();
  };
  return Object.assign(handler, { stop: () => buckets?.stop() });
}
