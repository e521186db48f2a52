import { fileURLToPath } from "node:url";
import type { EnclaveLimits } from "../measurement.js";
import type { IsolationSupport } from "./isolation.js";

/** How a sandboxed run ended. */
export type SandboxOutcome =
  "ok" | "failed" | "timeout" | "cpu-limit" | "memory-limit" | "output-limit";

export const WASI_RUNNER = fileURLToPath(new URL("./wasiRunner.mjs", import.meta.url));
/** The WASI helper both bootstraps import (a sandbox running a wasi app may read it). */
export const WASI_APP = fileURLToPath(new URL("./wasiApp.mjs", import.meta.url));
export const MIB = 1024 * 1024;
/** Address-space headroom above the memory limit: V8 reserves far more than it commits. */
const ADDRESS_SPACE_HEADROOM = 1024 * MIB;

/**
 * Node's permission model for an app: read its bundle and input, write only its output, no child
 * processes, workers or addons (WASI only for wasi apps; `trusted` files are the bootstrap scripts
 * that may be read too), and the heap capped at the memory limit.
 */
export function permissionArgs(p: {
  runtime: "node" | "wasi";
  appDir: string;
  inDir: string;
  outDir: string;
  memoryMb: number;
  trusted?: string[];
}): string[] {
  const args = [
    "--permission",
    `--allow-fs-read=${p.appDir}`,
    `--allow-fs-read=${p.inDir}`,
    `--allow-fs-read=${p.outDir}`,
    `--allow-fs-write=${p.outDir}`,
    ...(p.trusted ?? []).map((f) => `--allow-fs-read=${f}`),
    `--max-old-space-size=${Math.max(16, p.memoryMb)}`,
    "--disable-wasm-trap-handler",
    "--no-warnings",
  ];
  if (p.runtime === "wasi") args.push("--allow-wasi");
  return args;
}

/**
 * Prefixes `command` with the rlimits this machine can set through prlimit: CPU seconds, address
 * space, file size, no core dumps. prlimit execs in place: the app keeps its pid.
 */
export function withRlimits(
  command: string[],
  iso: IsolationSupport,
  limits: Pick<EnclaveLimits, "memoryMb" | "outputBytes">,
  cpuSeconds: number,
): string[] {
  let out = command;
  if (iso.rlimits)
    out = [
      iso.prlimitPath,
      `--cpu=${cpuSeconds}:${cpuSeconds + 1}`,
      `--as=${limits.memoryMb * MIB + ADDRESS_SPACE_HEADROOM}`,
      `--fsize=${limits.outputBytes}`,
      "--core=0",
      "--",
      ...out,
    ];
  return out;
}

/** The outermost layer: an empty network namespace (`unshare -n`, execs in place) where it works. */
export function withoutNetwork(command: string[], iso: IsolationSupport): string[] {
  return iso.network ? [iso.unsharePath, "-n", "--", ...command] : command;
}

/** Why an app process that nobody killed ended as it did. */
export function outcomeOfExit(e: {
  exitCode: number | null;
  signal: string | null;
  stderr: string;
  cpuMs: number;
  cpuLimitMs: number;
  outputTooLarge: boolean;
}): SandboxOutcome {
  if (e.outputTooLarge) return "output-limit";
  if (e.signal === "SIGXCPU" || e.cpuMs > e.cpuLimitMs) return "cpu-limit";
  if (e.signal === "SIGXFSZ") return "output-limit";
  if (
    /heap limit|out of memory|Allocation failed|Cannot allocate/i.test(e.stderr) ||
    e.signal === "SIGABRT" ||
    e.signal === "SIGTRAP" ||
    e.exitCode === 134
  )
    return "memory-limit";
  return e.exitCode === 0 ? "ok" : "failed";
}
