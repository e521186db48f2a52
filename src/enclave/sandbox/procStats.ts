import { readFileSync } from "node:fs";

/** A sample of a live process's usage. */
export interface ProcSample {
  cpuMs: number;
  rssBytes: number;
  peakRssBytes: number;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** Reads utime+stime and VmRSS/VmHWM of `pid`; undefined once the process is gone. */
export function sampleProcess(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cpuMs = (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (name: string) => {
      const m = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status);
      return m ? Number(m[1]) * 1024 : 0;
    };
    return { cpuMs, rssBytes: kb("VmRSS"), peakRssBytes: kb("VmHWM") };
  } catch {
    return undefined;
  }
}

/** Direct children of `pid` (Linux /proc/<pid>/task/<pid>/children). */
export function childrenOf(pid: number): number[] {
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
