import { readFileSync } from "node:fs";
import type { RunningPool } from "../../../src/pool/launcher.js";
import { childrenOf, sampleProcess } from "../../../src/enclave/sandbox/procStats.js";

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
function vmHwmMb(pid: number): number | undefined {
  const sample = sampleProcess(pid);
  return sample ? sample.peakRssBytes / (1024 * 1024) : undefined;
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
      const host = childrenOf(pid)
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

/**
 * CPU seconds a process used so far (user + system): its own, or its children's that exited and
 * were waited for (a worker's sandboxed apps, for its enclave host), or undefined once gone.
 */
export function cpuSeconds(
  pid: number,
  whose: "own" | "children" | "all" = "all",
): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces): state is field 3.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const fields = { own: [11, 12], children: [13, 14], all: [11, 12, 13, 14] }[whose];
    const ticks = fields.reduce((sum, i) => sum + Number(f[i]), 0); // utime stime cutime cstime
    return ticks / 100; // USER_HZ
  } catch {
    return undefined;
  }
}

/** CPU seconds of a live process, its waited-for children and its live descendants. */
function treeSeconds(pid: number): number {
  return (cpuSeconds(pid) ?? 0) + childrenOf(pid).reduce((sum, c) => sum + treeSeconds(c), 0);
}

/**
 * CPU seconds of every pool process, anvil and the SMS: a worker's enclave host as
 * "<worker>.host" and the sandboxed app processes it ran as "<worker>.apps".
 */
export function cpuByProcess(
  pool: RunningPool,
  extra: Record<string, number | undefined>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of pool.processes) {
    const pid = p.child.pid;
    if (!pid) continue;
    const own = cpuSeconds(pid);
    if (own !== undefined) out[p.name] = own;
    if (p.name !== "scheduler")
      for (const c of childrenOf(pid)) {
        const host = cpuSeconds(c, "own");
        // Exited app processes (waited for) and live ones (warm sandboxes, under `timeout`).
        const apps = cpuSeconds(c, "children") ?? 0;
        const live = childrenOf(c).reduce((sum, g) => sum + treeSeconds(g), 0);
        if (host !== undefined) out[`${p.name}.host`] = (out[`${p.name}.host`] ?? 0) + host;
        out[`${p.name}.apps`] = (out[`${p.name}.apps`] ?? 0) + apps + live;
      }
  }
  for (const [name, pid] of Object.entries(extra)) {
    const v = pid ? cpuSeconds(pid) : undefined;
    if (v !== undefined) out[name] = v;
  }
  return out;
}
