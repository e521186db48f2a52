import { readFileSync } from "node:fs";
import type { RunningPool } from "../../../src/pool/launcher.js";

/** Seconds spent per phase, summed over workers (histogram `_sum` series by `phase` label). */
export type PhaseSums = Record<string, number>;

/** Scrapes `<metric>_sum{phase="..."}` from every worker's /metrics and adds them up. */
export async function scrapeSums(urls: string[], metric: string): Promise<PhaseSums> {
  const out: PhaseSums = {};
  for (const url of urls) {
    const text = await (await fetch(url)).text();
    for (const line of text.split("\n")) {
      const m = new RegExp(`^${metric}_sum\\{phase="([^"]+)"\\}\\s+(\\S+)$`).exec(line);
      if (m) out[m[1]] = (out[m[1]] ?? 0) + Number(m[2]);
    }
  }
  return out;
}

/** Nearest-rank percentile. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/** Peak resident set (VmHWM, MB) of a process, or undefined once it is gone. */
export function vmHwmMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024;
  } catch {
    return undefined;
  }
}

/** Direct children of a process (its enclave host, for a worker). */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * Peak RSS of every pool process: the scheduler, each worker and its enclave host
 * ("worker0.host"), and the SMS when it runs as a process.
 */
export function peakRss(pool: RunningPool, smsPid?: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of pool.processes) {
    const pid = p.child.pid;
    if (!pid) continue;
    const own = vmHwmMb(pid);
    if (own !== undefined) out[p.name] = own;
    if (p.name !== "scheduler") {
      const host = childPids(pid)
        .map((c) => vmHwmMb(c))
        .filter((v): v is number => v !== undefined);
      if (host.length > 0) out[`${p.name}.host`] = Math.max(...host);
    }
  }
  if (smsPid) {
    const sms = vmHwmMb(smsPid);
    if (sms !== undefined) out.sms = sms;
  }
  return out;
}
