import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** What this machine can enforce for an app process. */
export interface IsolationSupport {
  /** `unshare -n` works: the app gets an empty network namespace. */
  network: boolean;
  /** `prlimit` works: CPU-time, address-space and file-size rlimits. */
  rlimits: boolean;
  /** GNU time is present: exact CPU time and peak RSS from wait4(2). */
  exactAccounting: boolean;
  /** coreutils `timeout` is present: the wall-clock limit holds even if the supervisor dies. */
  watchdog: boolean;
  timeoutPath: string;
  unsharePath: string;
  prlimitPath: string;
  timePath: string;
}

let cached: IsolationSupport | undefined;

/** Probes once (and caches) which isolation tools work here. */
export function detectIsolation(): IsolationSupport {
  if (cached) return cached;
  const works = (cmd: string, args: string[]) => {
    try {
      return spawnSync(cmd, args, { stdio: "ignore", timeout: 5_000, env: {} }).status === 0;
    } catch {
      return false;
    }
  };
  const unsharePath = firstExisting(["/usr/bin/unshare", "/bin/unshare"]) ?? "unshare";
  const prlimitPath = firstExisting(["/usr/bin/prlimit", "/bin/prlimit"]) ?? "prlimit";
  const timePath = firstExisting(["/usr/bin/time"]) ?? "";
  const timeoutPath = firstExisting(["/usr/bin/timeout", "/bin/timeout"]) ?? "";
  cached = {
    network: works(unsharePath, ["-n", "--", "/bin/true"]),
    rlimits: works(prlimitPath, ["--cpu=1", "--", "/bin/true"]),
    exactAccounting:
      timePath !== "" && works(timePath, ["-f", "%U", "-o", "/dev/null", "/bin/true"]),
    watchdog: timeoutPath !== "" && works(timeoutPath, ["5", "/bin/true"]),
    timeoutPath,
    unsharePath,
    prlimitPath,
    timePath,
  };
  return cached;
}

function firstExisting(paths: string[]): string | undefined {
  return paths.find((p) => existsSync(p));
}
