import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import type { EnclaveLimits } from "../measurement.js";
import {
  MIB,
  WASI_APP,
  outcomeOfExit,
  permissionArgs,
  withRlimits,
  withoutNetwork,
  type SandboxOutcome,
} from "./command.js";
import { detectIsolation, type IsolationSupport } from "./isolation.js";
import { folderSize } from "./outputSize.js";
import { childrenOf, sampleProcess } from "./procStats.js";
import type { SandboxResult } from "./runSandboxed.js";

/** What the runner says (it is not trusted beyond "the task ended"). */
interface RunnerMessage {
  type: string;
  id?: number;
  ok?: boolean;
  message?: string;
}

const WARM_RUNNER = fileURLToPath(new URL("./warmRunner.mjs", import.meta.url));
const STDERR_KEEP = 8192;
/** Tasks one warm process runs before it is replaced. */
export const WARM_MAX_TASKS = 500;

export interface WarmSandboxSpec {
  runtime: "node" | "wasi";
  /** Folder of the unpacked app bundle (read-only for the app). */
  appDir: string;
  entrypoint: string;
  /** Gets in/ (read-only for the app) and out/ (its only writable place), reused per task. */
  slotDir: string;
  limits: EnclaveLimits;
  nodePath?: string;
  /** Keep the app's stderr (debug enclaves only: it may carry data). */
  captureStderr?: boolean;
  isolation?: IsolationSupport;
  /** Sampling period of /proc, ms. Default 20. */
  pollMs?: number;
  /** The process's whole life, ms (a coreutils `timeout` kills it then, supervisor or not). */
  lifetimeMs?: number;
}

/**
 * A sandboxed app process that runs one task after another (apps whose measured config says
 * `"reuse": "deal"`; the host keeps one per deal and slot). It is isolated as a per-task process
 * is: Node's permission model bound to its bundle and its slot's in/ and out/ folders, an empty
 * environment, no network, rlimits, a heap cap. The limits of a task are enforced from outside
 * on the process's /proc files, as deltas from the task's start: CPU time, resident memory (the
 * peak is reset per task through clear_refs), output size, wall clock. A breach kills the
 * process; so does a failed task. A `timeout` watchdog bounds the process's whole life, and the
 * runner exits when its supervisor's IPC channel closes.
 */
export class WarmSandbox {
  readonly inDir: string;
  readonly outDir: string;
  readonly #spec: WarmSandboxSpec;
  readonly #child: ChildProcess;
  readonly #startedAt = performance.now();
  readonly #lifetimeMs: number;
  #pid?: number;
  #depth: number;
  #stderr = "";
  #exited?: { code: number | null; signal: string | null };
  #exitWaiters: Array<() => void> = [];
  #messageWaiter?: (m: RunnerMessage | undefined) => void;
  #busy = false;
  #killed = false;
  #tasks = 0;

  private constructor(spec: WarmSandboxSpec) {
    this.#spec = spec;
    this.inDir = join(spec.slotDir, "in");
    this.outDir = join(spec.slotDir, "out");
    const iso = spec.isolation ?? detectIsolation();
    const { limits } = spec;
    this.#lifetimeMs = spec.lifetimeMs ?? Math.max(600_000, 2 * limits.wallMs);
    const args = permissionArgs({
      runtime: spec.runtime,
      appDir: spec.appDir,
      inDir: this.inDir,
      outDir: this.outDir,
      memoryMb: limits.memoryMb,
      trusted: spec.runtime === "wasi" ? [WARM_RUNNER, WASI_APP] : [WARM_RUNNER],
    });
    args.push(WARM_RUNNER, spec.runtime, join(spec.appDir, spec.entrypoint));
    args.push(this.inDir, this.outDir);
    // The CPU rlimit is a backstop for the process's life; per-task CPU is checked from outside.
    const lifeCpuSeconds = Math.ceil(this.#lifetimeMs / 1000) * 2;
    let command = withRlimits(
      [spec.nodePath ?? process.execPath, ...args],
      iso,
      limits,
      lifeCpuSeconds,
    );
    this.#depth = 0;
    if (iso.watchdog) {
      command = [
        iso.timeoutPath,
        "--signal=KILL",
        `${Math.ceil(this.#lifetimeMs / 1000)}s`,
        ...command,
      ];
      this.#depth = 1; // timeout forks the app
    }
    command = withoutNetwork(command, iso);
    this.#child = spawn(command[0], command.slice(1), {
      env: {},
      cwd: this.outDir,
      detached: true,
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    this.#child.stderr!.setEncoding("utf8");
    this.#child.stderr!.on("data", (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-STDERR_KEEP);
    });
    this.#child.on("message", (m: RunnerMessage) => this.#messageWaiter?.(m));
    this.#child.on("error", () => this.#onExit(null, "spawn-error"));
    this.#child.on("exit", (code, signal) => this.#onExit(code, signal));
  }

  /**
   * Creates the slot's folders, starts the process and waits until the app is loaded.
   * @throws Error when the app cannot be loaded (no default export, a syntax error, ...).
   */
  static async start(spec: WarmSandboxSpec): Promise<WarmSandbox> {
    await mkdir(join(spec.slotDir, "in"), { recursive: true, mode: 0o700 });
    await mkdir(join(spec.slotDir, "out"), { recursive: true, mode: 0o700 });
    const sandbox = new WarmSandbox(spec);
    const m = await sandbox.#nextMessage(spec.limits.wallMs);
    if (m?.type !== "ready") {
      sandbox.close();
      throw new Error(
        `the app did not load in its warm sandbox (${m?.type === "fatal" ? m.message : (m?.type ?? "no answer")})`,
      );
    }
    return sandbox;
  }

  /** Alive, idle, and young enough for one more task within its lifetime. */
  get usable(): boolean {
    const age = performance.now() - this.#startedAt;
    return (
      !this.#exited &&
      !this.#killed &&
      !this.#busy &&
      this.#tasks < WARM_MAX_TASKS &&
      age + this.#spec.limits.wallMs + 5_000 < this.#lifetimeMs
    );
  }

  /** Tasks run so far. */
  get tasks(): number {
    return this.#tasks;
  }

  /** Runs one task on the files in inDir; its result is what it leaves in outDir. */
  async run(args: string[] = []): Promise<SandboxResult> {
    if (!this.usable) throw new Error("this warm sandbox cannot take a task");
    this.#busy = true;
    this.#tasks++;
    const { limits } = this.#spec;
    const pid = this.#appPid();
    const before = sampleProcess(pid);
    const peakReset = await writeFile(`/proc/${pid}/clear_refs`, "5").then(
      () => true,
      () => false,
    );
    const stderrMark = this.#stderr.length;
    const started = performance.now();
    let killedFor: SandboxOutcome | undefined;
    let peak = 0;
    let cpuMs = 0;
    const sample = () => {
      const s = sampleProcess(pid);
      if (!s || !before) return;
      cpuMs = Math.max(cpuMs, s.cpuMs - before.cpuMs);
      peak = Math.max(peak, s.rssBytes, peakReset ? s.peakRssBytes : 0);
    };
    const kill = (why: SandboxOutcome) => {
      killedFor ??= why;
      this.close();
    };
    let polls = 0;
    const timer = setInterval(() => {
      sample();
      if (cpuMs > limits.cpuMs) kill("cpu-limit");
      if (peak > limits.memoryMb * MIB) kill("memory-limit");
      if (performance.now() - started > limits.wallMs) kill("timeout");
      if (++polls % 5 === 0 && folderSize(this.outDir, limits.outputBytes) > limits.outputBytes)
        kill("output-limit");
    }, this.#spec.pollMs ?? 20);
    const id = this.#tasks;
    this.#child.send({ type: "run", id, args });
    let done: RunnerMessage | undefined;
    try {
      for (;;) {
        const m = await this.#nextMessage();
        if (!m) break; // exited
        if (m.type === "done" && m.id === id) {
          done = m;
          break;
        }
      }
    } finally {
      clearInterval(timer);
    }
    sample();
    const wallMs = Math.round(performance.now() - started);
    const stderr = this.#stderr.slice(Math.min(stderrMark, this.#stderr.length));
    const outputTooLarge = folderSize(this.outDir, limits.outputBytes) > limits.outputBytes;
    let outcome: SandboxOutcome;
    if (killedFor) outcome = killedFor;
    else if (done)
      outcome = outputTooLarge
        ? "output-limit"
        : cpuMs > limits.cpuMs
          ? "cpu-limit"
          : done.ok
            ? "ok"
            : "failed";
    else {
      // The process died during the task: as a per-task process would be judged, but a clean
      // exit is no result here (the runner answers "done").
      const exit = this.#exited ?? { code: null, signal: null };
      const judged = outcomeOfExit({
        exitCode: exit.code,
        signal: exit.signal,
        stderr,
        cpuMs,
        cpuLimitMs: limits.cpuMs,
        outputTooLarge,
      });
      outcome = judged === "ok" ? "failed" : judged;
    }
    if (outcome !== "ok") this.close();
    this.#busy = false;
    const iso = this.#spec.isolation ?? detectIsolation();
    return {
      outcome,
      exitCode: done ? (done.ok ? 0 : 1) : (this.#exited?.code ?? null),
      signal: done ? null : (this.#exited?.signal ?? null),
      cpuMs,
      wallMs,
      peakMemoryBytes: peak,
      networkIsolated: iso.network,
      rlimitsApplied: iso.rlimits,
      accounting: "proc-sampling",
      stderr: this.#spec.captureStderr ? stderr : undefined,
    };
  }

  /** Empties in/ and out/ (what one task left must not reach the next one's files). */
  async wipe(): Promise<void> {
    for (const dir of [this.inDir, this.outDir])
      for (const name of await readdir(dir))
        await rm(join(dir, name), { recursive: true, force: true });
  }

  /** Kills the process group (idempotent). The slot folder stays; the owner removes it. */
  close(): void {
    this.#killed = true;
    try {
      process.kill(-this.#child.pid!, "SIGKILL");
    } catch {
      // gone already
    }
  }

  /** Resolves once the process has exited. */
  closed(): Promise<void> {
    return this.#exited ? Promise.resolve() : new Promise((r) => this.#exitWaiters.push(r));
  }

  #onExit(code: number | null, signal: string | null): void {
    if (this.#exited) return;
    this.#exited = { code, signal };
    this.#messageWaiter?.(undefined);
    for (const w of this.#exitWaiters.splice(0)) w();
  }

  /** The next IPC message, or undefined when the process exits (or after timeoutMs). */
  #nextMessage(timeoutMs?: number): Promise<RunnerMessage | undefined> {
    if (this.#exited) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer =
        timeoutMs === undefined ? undefined : setTimeout(() => finish(undefined), timeoutMs);
      const finish = (m: RunnerMessage | undefined) => {
        clearTimeout(timer);
        this.#messageWaiter = undefined;
        resolve(m);
      };
      this.#messageWaiter = finish;
    });
  }

  /** The app's pid: the spawned process, or its only child under the `timeout` watchdog. */
  #appPid(): number {
    if (this.#pid !== undefined) return this.#pid;
    let pid = this.#child.pid!;
    for (let level = 0; level < this.#depth; level++) {
      const kids = childrenOf(pid);
      if (kids.length !== 1) return pid;
      pid = kids[0];
    }
    return (this.#pid = pid);
  }
}
