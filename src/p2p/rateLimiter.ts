/** Token bucket per key: `capacity` burst, refilled at `perSecond`. Keys idle for a minute drop. */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token for `key`; false when the key is over its rate. */
  take(key: string): boolean {
    const t = this.now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.capacity, at: t };
    bucket.tokens = Math.min(
      this.capacity,
      bucket.tokens + ((t - bucket.at) / 1000) * this.perSecond,
    );
    bucket.at = t;
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > 10_000) this.#sweep(t);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  #sweep(t: number): void {
    for (const [key, b] of this.#buckets) if (t - b.at > 60_000) this.#buckets.delete(key);
  }
}
