/** A token bucket: `capacity` tokens at most, refilled at `refillPerSecond`. */
export interface BucketSpec {
  capacity: number;
  refillPerSecond: number;
}

/** Token buckets keyed by client (an IP address, say), all with the same spec. */
export interface TokenBuckets {
  /** Seconds until `key`'s bucket holds a whole token (0: it holds one now). */
  wait(key: string): number;
  /** Takes one token from `key`'s bucket (never below zero). */
  take(key: string): void;
  /** Stops sweeping idle buckets. */
  stop(): void;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets in memory, refilled lazily on each look. A bucket idle for a minute is full
 * again and is swept, so memory follows the clients seen in the last minute.
 * @example const limit = createTokenBuckets({ capacity: 20, refillPerSecond: 5 });
 *   if (limit.wait(ip) > 0) refuse(); else { limit.take(ip); serve(); }
 */
export function createTokenBuckets(spec: BucketSpec, clock: () => number = Date.now): TokenBuckets {
  const buckets = new Map<string, Bucket>();
  const sweep = setInterval(() => {
    const cutoff = clock() - 60_000;
    for (const [k, b] of buckets) if (b.at < cutoff) buckets.delete(k);
  }, 60_000);
  sweep.unref();
  const current = (key: string): Bucket => {
    const now = clock();
    const b = buckets.get(key);
    if (!b) return { tokens: spec.capacity, at: now };
    b.tokens = Math.min(spec.capacity, b.tokens + ((now - b.at) / 1000) * spec.refillPerSecond);
    b.at = now;
    return b;
  };
  return {
    wait(key) {
      const b = current(key);
      return b.tokens >= 1 ? 0 : (1 - b.tokens) / spec.refillPerSecond;
    },
    take(key) {
      const b = current(key);
      b.tokens = Math.max(0, b.tokens - 1);
      buckets.set(key, b);
    },
    stop: () => clearInterval(sweep),
  };
}
