import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadPoolConfig } from "./config.js";
import { announcementPath, readAnnouncement, type SchedulerAnnouncement } from "./runtime.js";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));

/** One process of a running pool. */
export interface PoolProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
}

export interface RunningPool {
  scheduler: SchedulerAnnouncement;
  processes: PoolProcess[];
  /** (Re)starts one process by name ("scheduler", "worker0", ...). */
  restart(name: string): Promise<PoolProcess>;
  /** Kills one process with a signal (crash tests use SIGKILL). */
  kill(name: string, signal?: NodeJS.Signals): Promise<void>;
  /** SIGTERM everything and wait (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts a pool as separate OS processes: the scheduler, then each worker of the config. Each
 * process logs JSON to `<dataDir>/logs/<name>.log`. The Node binary is the current one (Node 22
 * under npm), running the TypeScript sources through tsx.
 */
export async function launchPool(
  configPath: string,
  opts: { env?: NodeJS.ProcessEnv } = {},
): Promise<RunningPool> {
  const config = loadPoolConfig(configPath);
  const logs = join(config.dataDir, "logs");
  mkdirSync(logs, { recursive: true });
  const processes = new Map<string, PoolProcess>();

  const start = (name: string): PoolProcess => {
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
    const child = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", ...args], {
      cwd: ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
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

  rmSync(announcementPath(config.dataDir), { force: true });
  start("scheduler");
  const scheduler = await readAnnouncement(config.dataDir);
  config.workers.forEach((_, i) => start(`worker${i}`));

  return {
    scheduler,
    get processes() {
      return [...processes.values()];
    },
    async restart(name) {
      const old = processes.get(name);
      if (old) await waitExit(old.child, 10_000);
      if (name === "scheduler") rmSync(announcementPath(config.dataDir), { force: true });
      const p = start(name);
      if (name === "scheduler") await readAnnouncement(config.dataDir);
      return p;
    },
    async kill(name, signal = "SIGKILL") {
      const p = processes.get(name);
      if (!p) return;
      p.child.kill(signal);
      await waitExit(p.child, 10_000);
    },
    async stop(graceMs = 15_000) {
      const all = [...processes.values()];
      for (const p of all) if (p.child.exitCode === null) p.child.kill("SIGTERM");
      await Promise.all(all.map((p) => waitExit(p.child, graceMs)));
    },
  };
}
