import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, readdirSync } from "node:fs";
import { ServiceError } from "../core/errors/index.js";

/** A service the stack started: its own process group, logging to a file. */
export interface StackProcess {
  name: string;
  pid: number;
  logFile: string;
  /** A string its command line contains (checked before signalling a recorded pid). */
  marker: string;
}

export interface SpawnServiceParameters {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  logFile: string;
  marker: string;
}

/**
 * Starts a long-running service detached from the caller: its own process group (so stopping it
 * also stops what it forked, such as a worker's enclave host), stdout and stderr appended to
 * `logFile`, and no handle keeping the caller alive. It outlives the caller until stopped.
 */
export function spawnService(p: SpawnServiceParameters): StackProcess {
  const fd = openSync(p.logFile, "a");
  try {
    const child = spawn(p.command, p.args, {
      cwd: p.cwd,
      env: p.env,
      detached: true,
      stdio: ["ignore", fd, fd],
    });
    if (child.pid === undefined) throw new ServiceError(`Cannot start ${p.name}.`);
    child.unref();
    return { name: p.name, pid: child.pid, logFile: p.logFile, marker: p.marker };
  } finally {
    closeSync(fd);
  }
}

/** Whether a process (or, with a negative id, a process group) still exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The last `lines` lines of a log file (for error messages). */
export function logTail(path: string, lines = 15): string {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `ready` until it returns a value; fails early with the log tail when the process exits.
 * @throws ServiceError on timeout or when the process died.
 */
export async function waitReady<T>(
  proc: StackProcess,
  ready: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await ready().catch(() => undefined);
    if (value !== undefined) return value;
    if (!isAlive(proc.pid))
      throw new ServiceError(`${proc.name} exited while starting.`, {
        details: logTail(proc.logFile),
        hint: `See ${proc.logFile}.`,
      });
    if (Date.now() > deadline)
      throw new ServiceError(`${proc.name} did not become ready in ${timeoutMs / 1000} s.`, {
        details: logTail(proc.logFile),
        hint: `See ${proc.logFile}.`,
      });
    await sleep(150);
  }
}

/** GETs `url` and resolves with the JSON body when the answer is 2xx, undefined otherwise. */
export async function getJson<T = unknown>(url: string): Promise<T | undefined> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  if (!res.ok) return undefined;
  return (await res.json()) as T;
}

/**
 * Whether `pid` still runs the process the stack started (guards against a recycled pid):
 * its command line must mention `marker` (the stack's data folder or the service entry).
 */
export function isOurProcess(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker);
  } catch {
    // No /proc (not Linux): trust the recorded id while the process exists.
    return !existsSync("/proc/self") && isAlive(pid);
  }
}

/**
 * Stops processes together: SIGTERM to each (its graceful shutdown stops what it forked), then,
 * once it exited or after `graceMs`, SIGKILL to whatever is left in its process group.
 * Resolves once every group is gone.
 */
export async function stopProcesses(procs: readonly StackProcess[], graceMs = 10_000) {
  await Promise.all(
    procs.map(async (p) => {
      signal(p.pid, "SIGTERM");
      const deadline = Date.now() + graceMs;
      while (isAlive(p.pid) && Date.now() < deadline) await sleep(50);
      if (isAlive(-p.pid)) {
        signal(-p.pid, "SIGKILL");
        const hard = Date.now() + 5_000;
        while (isAlive(-p.pid) && Date.now() < hard) await sleep(50);
      }
    }),
  );
}

/** Shutdown order of a stack's processes: workers, then the scheduler, services, the chain. */
const STOP_TIER = (name: string) =>
  name.startsWith("worker") ? 0 : name === "scheduler" ? 1 : name === "chain" ? 3 : 2;

/** Stops a stack's processes tier by tier (see {@link STOP_TIER}), each tier in parallel. */
export async function stopInOrder(procs: readonly StackProcess[], graceMs = 10_000) {
  for (let tier = 0; tier <= 3; tier++)
    await stopProcesses(
      procs.filter((p) => STOP_TIER(p.name) === tier),
      graceMs,
    );
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/**
 * Processes still running that belong to a stack: members of its process groups, or any process
 * whose command line mentions its data folder (e.g. an enclave host that outlived its worker).
 * Linux only (reads /proc); elsewhere only the groups are checked.
 */
export function strayProcesses(procs: readonly StackProcess[], dataDir: string): number[] {
  const stray = new Set(procs.filter((p) => isAlive(-p.pid) || isAlive(p.pid)).map((p) => p.pid));
  if (!existsSync("/proc/self")) return [...stray];
  const ancestors = ancestorsOfSelf();
  for (const entry of readdirSync("/proc")) {
    if (!/^[0-9]+$/.test(entry)) continue;
    const pid = Number(entry);
    if (ancestors.has(pid)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const state = stat[stat.lastIndexOf(")") + 2];
      if (state !== "Z" && cmdline.includes(dataDir)) stray.add(pid);
    } catch {
      // exited meanwhile
    }
  }
  return [...stray];
}

/** This process and its ancestors (whose command lines may name the data folder too). */
function ancestorsOfSelf(): Set<number> {
  const out = new Set<number>();
  let pid = process.pid;
  while (pid > 1 && !out.has(pid)) {
    out.add(pid);
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      pid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
      break;
    }
  }
  return out;
}
