/**
 * eth_getLogs over ranges a node refuses whole. Public RPC nodes cap the block span or the result
 * count of one call (10 000 blocks or results is common); a dev chain answers any range. The
 * whole range is asked first; a refusal that names such a limit splits it in two, recursively,
 * and the span that worked is remembered for the next calls. Any other error is thrown at once,
 * so a node that is down costs one call, not a storm.
 */
export interface LogRangeFetcher<L> {
  /** Fetches the logs of blocks [from, to], both included. */
  fetch(from: number, to: number): Promise<L[]>;
  /** The largest span known to work, if a node refused a wider one. */
  span?: number;
}

/** Whether an RPC error is a node's cap on a getLogs range or on its result size. */
export function isLogRangeLimit(error: unknown): boolean {
  const e = error as {
    code?: unknown;
    message?: unknown;
    error?: { code?: unknown; message?: unknown };
    info?: { error?: { code?: unknown; message?: unknown } };
  };
  const inner = e?.error ?? e?.info?.error;
  const text = `${String(e?.message ?? "")} ${String(inner?.message ?? "")}`;
  if (inner?.code === -32005) return true; // "limit exceeded" (EIP-1474)
  return /block range|range (is )?too (large|wide|big)|exceeds? (the )?(max|maximum|limit)|max(imum)? (block )?range|too many (results|logs|blocks)|more than \d+ (results|logs)|response (size|is too large)|query timeout|limited to a [\d,]+ (block )?range/i.test(
    text,
  );
}

/**
 * Fetches the logs of [from, to] through `f`, splitting on range limits as described above.
 * @throws the node's error when even one block is refused, or when the error is not a limit.
 */
export async function fetchLogsInRanges<L>(
  f: LogRangeFetcher<L>,
  from: number,
  to: number,
): Promise<L[]> {
  if (to < from) return [];
  const out: L[] = [];
  const step = f.span ?? to - from + 1;
  for (let start = from; start <= to; start += step) {
    out.push(...(await fetchSplitting(f, start, Math.min(to, start + step - 1))));
  }
  return out;
}

async function fetchSplitting<L>(f: LogRangeFetcher<L>, from: number, to: number): Promise<L[]> {
  try {
    return await f.fetch(from, to);
  } catch (error) {
    if (from === to || !isLogRangeLimit(error)) throw error;
    const mid = from + Math.floor((to - from) / 2);
    const half = mid - from + 1;
    if (f.span === undefined || half < f.span) f.span = half;
    const left = await fetchSplitting(f, from, mid);
    const right = await fetchSplitting(f, mid + 1, to);
    return [...left, ...right];
  }
}
