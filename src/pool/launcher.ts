import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadPoolConfig } from "./config.js";
import {
  announcementPath,
  readAnnouncement,
  readWorkerAnnouncement,
  workerAnnouncementPath,
  type SchedulerAnnouncement,
  type WorkerAnnouncement,
} from "./runtime.js";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));

/** One process of a running pool. */
export interface PoolProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
}

export interface RunningPool {
  /** The scheduler's current announcement (updated by a restart). */
  readonly scheduler: SchedulerAnnouncement;
  processes: PoolProcess[];
  /** (Re)starts one process by name ("scheduler", "worker0", ...), optionally with extra env. */
  restart(name: string, opts?: { env?: NodeJS.ProcessEnv }): Promise<PoolProcess>;
  /** Waits for a worker's announcement (address, metrics URL) of its current run. */
  workerInfo(name: string, timeoutMs?: number): Promise<WorkerAnnouncement>;
  /** Kills one process with a signal (crash tests use SIGKILL). */
  kill(name: string, signal?: NodeJS.Signals): Promise<void>;
  /**
   * Graceful stop: SIGTERM the workers (they finish or hand back their tasks), then the scheduler
   * (it pushes the results handed in); SIGKILL whatever outlives `graceMs`.
   */
  stop(graceMs?: number): Promise<void>;
}

export interface LaunchOptions {
  /** Extra environment for every process. */
  env?: NodeJS.ProcessEnv;
  /** Extra environment per process name ("worker1": { POLIS_CRASH_BEFORE: "reveal" }). */
  processEnv?: Record<string, NodeJS.ProcessEnv>;
  /** Indexes of the config's workers to start (default: all). */
  workers?: number[];
}

/**
 * Starts a pool as separate OS processes: the scheduler, then each worker of the config. Each
 * process logs JSON to `<dataDir>/logs/<name>.log`. The Node binary is the current one (Node 22
 * under npm), running the TypeScript sources through tsx.
 */
export async function launchPool(
  configPath: string,
  opts: LaunchOptions = {},
): Promise<RunningPool> {
  const config = loadPoolConfig(configPath);
  const logs = join(config.dataDir, "logs");
  mkdirSync(logs, { recursive: true });
  const processes = new Map<string, PoolProcess>();

  const start = (name: string, extraEnv: NodeJS.ProcessEnv = {}): PoolProcess => {
    if (name !== "scheduler") rmSync(workerAnnouncementPath(config.dataDir, name), { force: true });
    const args =
      name === "scheduler"
        ? ["--import", "tsx", join(ROOT, "src/scheduler/main.ts"), resolve(configPath)]
        : [
            "--import",
            "tsx",
            join(ROOT, "src/worker/main.ts"),
            resolve(configPath),
            name.replace("worker", ""),
          ];
    const logFile = join(logs, `${name}.log`);
    const out = createWriteStream(logFile, { flags: "a" });
    // POLIS_CPU_PROFILE_DIR: V8 CPU profiles of every process, written when it exits cleanly.
    const profile = process.env.POLIS_CPU_PROFILE_DIR
      ? ["--cpu-prof", `--cpu-prof-dir=${process.env.POLIS_CPU_PROFILE_DIR}`]
      : [];
    const child = spawn(
      process.execPath,
      [...profile, "--disable-warning=ExperimentalWarning", ...args],
      {
        cwd: ROOT,
        env: { ...process.env, ...opts.env, ...opts.processEnv?.[name], ...extraEnv },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    child.stdout!.pipe(out);
    child.stderr!.pipe(out);
    const p = { name, child, logFile };
    processes.set(name, p);
    return p;
  };

  const waitExit = (child: ChildProcess, ms: number) =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      const t = setTimeout(() => {
        child.kill("SIGKILL");
      }, ms);
      child.once("exit", () => {
        clearTimeout(t);
        done();
      });
    });

  // Never leave orphans behind if the launching process exits without stopping the pool.
  const killAll = () => {
    for (const p of processes.values()) if (p.child.exitCode === null) p.child.kill("SIGKILL");
  };
  process.once("exit", killAll);

  rmSync(announcementPath(config.dataDir), { force: true });
  start("scheduler");
  let scheduler = await readAnnouncement(config.dataDir);
  const workers = opts.workers ?? config.workers.map((_, i) => i);
  for (const i of workers) start(`worker${i}`);

  return {
    get scheduler() {
      return scheduler;
    },
    get processes() {
      return [...processes.values()];
    },
    async restart(name, restartOpts = {}) {
      const old = processes.get(name);
      if (old) await waitExit(old.child, 10_000);
      if (name === "scheduler") rmSync(announcementPath(config.dataDir), { force: true });
      const p = start(name, restartOpts.env);
      if (name === "scheduler") scheduler = await readAnnouncement(config.dataDir);
      return p;
    },
    workerInfo: (name, timeoutMs) => readWorkerAnnouncement(config.dataDir, name, timeoutMs),
    async kill(name, signal = "SIGKILL") {
      const p = processes.get(name);
      if (!p) return;
      p.child.kill(signal);
      await waitExit(p.child, 10_000);
    },
    async stop(graceMs = 15_000) {
      const all = [...processes.values()];
      const workerProcs = all.filter((p) => p.name !== "scheduler");
      const alive = (p: PoolProcess) => p.child.exitCode === null && p.child.signalCode === null;
      for (const p of workerProcs) if (alive(p)) p.child.kill("SIGTERM");
      await Promise.all(workerProcs.map((p) => waitExit(p.child, graceMs)));
      const schedulerProc = processes.get("scheduler");
      if (schedulerProc && alive(schedulerProc)) schedulerProc.child.kill("SIGTERM");
      if (schedulerProc) await waitExit(schedulerProc.child, graceMs);
      process.removeListener("exit", killAll);
    },
  };
}
