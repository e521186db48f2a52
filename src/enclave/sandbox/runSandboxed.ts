import { spawn } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import type { EnclaveLimits } from "../measurement.js";
import {
  MIB,
  WASI_APP,
  WASI_RUNNER,
  withRlimits,
  outcomeOfExit,
  permissionArgs,
  withoutNetwork,
  type SandboxOutcome,
} from "./command.js";
import { detectIsolation, type IsolationSupport } from "./isolation.js";
import { folderSize } from "./outputSize.js";
import { childrenOf, sampleProcess } from "./procStats.js";

export type { SandboxOutcome } from "./command.js";

export interface SandboxSpec {
  runtime: "node" | "wasi";
  /** Folder of the unpacked app bundle (read-only for the app). */
  appDir: string;
  /** Entry file inside appDir. */
  entrypoint: string;
  /** The task's input folder (read-only for the app). */
  inDir: string;
  /** The task's output folder (the only writable place). */
  outDir: string;
  limits: EnclaveLimits;
  /** Extra arguments after inDir and outDir. */
  args?: string[];
  /** Node binary. Default: the current one. */
  nodePath?: string;
  /** Keep the app's stderr (debug enclaves only: it may carry data). */
  captureStderr?: boolean;
  /** Folder for the accounting file; default: a sibling of outDir. */
  scratchDir?: string;
  isolation?: IsolationSupport;
  /** Sampling period of /proc, ms. Default 20. */
  pollMs?: number;
}

export interface SandboxResult {
  outcome: SandboxOutcome;
  exitCode: number | null;
  signal: string | null;
  /** user + system CPU time of the app. */
  cpuMs: number;
  wallMs: number;
  /** Peak resident set size. */
  peakMemoryBytes: number;
  /** The app had no network (`unshare -n`). */
  networkIsolated: boolean;
  /** rlimits (CPU, address space, file size) were set by prlimit. */
  rlimitsApplied: boolean;
  /** "wait4" (exact, GNU time) or "proc-sampling" (every pollMs from /proc). */
  accounting: "wait4" | "proc-sampling";
  /** Only with captureStderr: the last 8 KiB of stderr. */
  stderr?: string;
}

const STDERR_KEEP = 8192;

/**
 * Runs an app as an isolated OS process: Node's permission model (read app + input, write output,
 * no child processes, no workers, no addons; WASI only for wasi apps), an empty environment, no
 * network (`unshare -n`) where the platform allows it, rlimits for CPU time, address space and file
 * size, a heap cap, and a supervisor that samples /proc to enforce CPU, memory and output-size
 * limits and the wall-clock timeout, killing the whole process group with SIGKILL. A coreutils
 * `timeout` watchdog enforces the wall clock too, should the supervisor itself die.
 */
export async function runSandboxed(spec: SandboxSpec): Promise<SandboxResult> {
  const iso = spec.isolation ?? detectIsolation();
  const { limits } = spec;
  const node = spec.nodePath ?? process.execPath;
  const nodeArgs = permissionArgs({
    runtime: spec.runtime,
    appDir: spec.appDir,
    inDir: spec.inDir,
    outDir: spec.outDir,
    memoryMb: limits.memoryMb,
    trusted: spec.runtime === "wasi" ? [WASI_RUNNER, WASI_APP] : [],
  });
  if (spec.runtime === "wasi") nodeArgs.push(WASI_RUNNER);
  nodeArgs.push(join(spec.appDir, spec.entrypoint), spec.inDir, spec.outDir, ...(spec.args ?? []));

  let command = withRlimits([node, ...nodeArgs], iso, limits, Math.ceil(limits.cpuMs / 1000) + 1);
  const statsFile = join(
    spec.scratchDir ?? join(spec.outDir, ".."),
    `.usage-${process.pid}-${Date.now()}`,
  );
  if (iso.exactAccounting)
    // No -q: GNU time then records "Command exited with non-zero status N" / "terminated by
    // signal N" in the stats file, which is how a failing app is told apart from a clean exit.
    command = [iso.timePath, "-f", "%e %U %S %M", "-o", statsFile, ...command];
  if (iso.watchdog)
    command = [
      iso.timeoutPath,
      "--signal=KILL",
      `${Math.ceil(limits.wallMs / 1000) + 2}s`,
      ...command,
    ];
  command = withoutNetwork(command, iso);

  const started = performance.now();
  const child = spawn(command[0], command.slice(1), {
    env: {},
    cwd: spec.outDir,
    detached: true, // own process group: the timeout kills everything the app is
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP);
  });

  let killedFor: SandboxOutcome | undefined;
  let peak = 0;
  let cpuSampled = 0;
  const kill = (why: SandboxOutcome) => {
    if (killedFor) return;
    killedFor = why;
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  };
  // unshare and prlimit exec in place; timeout and GNU time each fork one child: the app is the
  // end of the chain, `depth` forks below the spawned process. Found once, it stays the app (node
  // execs in place of prlimit), so later polls read only its own /proc files.
  const depth = (iso.watchdog ? 1 : 0) + (iso.exactAccounting ? 1 : 0);
  let app: number | undefined = depth === 0 ? child.pid : undefined;
  const appPid = () => {
    if (app !== undefined) return app;
    let pid = child.pid!;
    for (let level = 0; level < depth; level++) {
      const kids = childrenOf(pid);
      if (kids.length !== 1) return pid; // the chain is still being built
      pid = kids[0];
    }
    return (app = pid);
  };
  let polls = 0;
  const timer = setInterval(() => {
    const pid = appPid();
    const s = pid ? sampleProcess(pid) : undefined;
    if (s) {
      peak = Math.max(peak, s.peakRssBytes);
      cpuSampled = Math.max(cpuSampled, s.cpuMs);
      if (s.cpuMs > limits.cpuMs) kill("cpu-limit");
      if (s.rssBytes > limits.memoryMb * MIB) kill("memory-limit");
    }
    if (performance.now() - started > limits.wallMs) kill("timeout");
    if (++polls % 5 === 0 && folderSize(spec.outDir, limits.outputBytes) > limits.outputBytes)
      kill("output-limit");
  }, spec.pollMs ?? 20);

  const { code, signal } = await new Promise<{ code: number | null; signal: string | null }>(
    (resolve, reject) => {
      child.once("error", reject);
      child.once("exit", (c, s) => resolve({ code: c, signal: s }));
    },
  ).finally(() => clearInterval(timer));
  const wallMs = Math.round(performance.now() - started);
  // Whatever the app left behind in its group (nothing, normally) dies with it.
  try {
    process.kill(-child.pid!, "SIGKILL");
  } catch {
    // group empty
  }
  await new Promise<void>((r) =>
    child.stderr!.readableEnded ? r() : child.stderr!.once("close", () => r()),
  );

  let cpuMs = cpuSampled;
  let accounting: SandboxResult["accounting"] = "proc-sampling";
  let exitCode = code;
  let exitSignal = signal;
  if (iso.exactAccounting) {
    const exact = await readTimeStats(statsFile);
    if (exact) {
      cpuMs = Math.max(cpuMs, exact.cpuMs);
      peak = Math.max(peak, exact.peakRssBytes);
      accounting = "wait4";
      exitCode = exact.exitCode ?? code;
      exitSignal = exact.signal ?? signal;
    }
    await rm(statsFile, { force: true });
  }

  const outcome =
    killedFor ??
    outcomeOfExit({
      exitCode,
      signal: exitSignal,
      stderr,
      cpuMs,
      cpuLimitMs: limits.cpuMs,
      outputTooLarge: folderSize(spec.outDir, limits.outputBytes) > limits.outputBytes,
    });
  return {
    outcome,
    exitCode: exitCode,
    signal: exitSignal,
    cpuMs,
    wallMs,
    peakMemoryBytes: peak,
    networkIsolated: iso.network,
    rlimitsApplied: iso.rlimits,
    accounting,
    stderr: spec.captureStderr ? stderr : undefined,
  };
}

/** Parses GNU time's "%e %U %S %M" output (plus its "Command exited/terminated" line). */
async function readTimeStats(
  path: string,
): Promise<
  { cpuMs: number; peakRssBytes: number; exitCode?: number; signal?: string } | undefined
> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return undefined;
  }
  const lines = text.trim().split("\n");
  const last = lines[lines.length - 1].trim().split(/\s+/).map(Number);
  if (last.length !== 4 || last.some((n) => !Number.isFinite(n))) return undefined;
  const [, user, sys, maxKb] = last;
  const exited = /exited with non-zero status (\d+)/.exec(text);
  const signalled = /terminated by signal (\d+)/.exec(text);
  const SIGNALS: Record<number, string> = {
    6: "SIGABRT",
    9: "SIGKILL",
    24: "SIGXCPU",
    25: "SIGXFSZ",
    5: "SIGTRAP",
    11: "SIGSEGV",
  };
  return {
    cpuMs: Math.round((user + sys) * 1000),
    peakRssBytes: maxKb * 1024,
    exitCode: exited ? Number(exited[1]) : signalled ? undefined : 0,
    signal: signalled ? (SIGNALS[Number(signalled[1])] ?? `SIG${signalled[1]}`) : undefined,
  };
}
