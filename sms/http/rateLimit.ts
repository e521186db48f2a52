import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { SmsMetrics } from "../metrics.js";

/** A token bucket: `capacity` requests at once, refilled at `refillPerSecond`. */
export interface BucketSpec {
  capacity: number;
  refillPerSecond: number;
}

interface Bucket {
  tokens: number;
  at: number;
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
): RequestHandler & { stop(): void } {
  const buckets = new Map<string, Bucket>();
  const sweep = setInterval(() => {
    const cutoff = clock() - 60_000;
    for (const [k, b] of buckets) if (b.at < cutoff) buckets.delete(k);
  }, 60_000);
  sweep.unref();
  const handler = (req: Request, res: Response, next: NextFunction) => {
    if (!spec) return next();
    const key = req.ip ?? req.socket.remoteAddress ?? "unknown";
    const now = clock();
    const b = buckets.get(key) ?? { tokens: spec.capacity, at: now };
    b.tokens = Math.min(spec.capacity, b.tokens + ((now - b.at) / 1000) * spec.refillPerSecond);
    b.at = now;
    buckets.set(key, b);
    if (b.tokens < 1) {
      metrics.rateLimited.inc({ route });
      res.setHeader("Retry-After", String(Math.ceil((1 - b.tokens) / spec.refillPerSecond)));
      res.status(429).json({
        error: { name: "RateLimited", reason: "RateLimited", message: "Too many requests." },
      });
      return;
    }
    b.tokens -= 1;
    next();
  };
  return Object.assign(handler, { stop: () => clearInterval(sweep) });
}
