/**
 * PoCo's credibility weight of a worker with `score`: max(score / 3, 3) - 1 (fresh workers: 2).
 */
export function weightOf(score: bigint): bigint {
  const w = score / 3n;
  return (w > 3n ? w : 3n) - 1n;
}

/**
 * How many agreeing workers with these scores reach consensus at `trust`. With every contributor
 * agreeing, the contract's test `group * trust > (total + 1) * (trust - 1)` reduces to
 * `product of weights >= trust`. Unknown workers are assumed fresh.
 */
export function replicasNeeded(trust: number, scores: readonly bigint[] = []): number {
  if (trust <= 1) return 1;
  let group = 1n;
  let n = 0;
  while (group < BigInt(trust)) {
    group *= weightOf(scores[n] ?? 0n);
    n++;
  }
  return n;
}
