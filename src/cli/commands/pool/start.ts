import type { Command } from "commander";
import { join, resolve } from "node:path";
import { loadPoolConfig } from "../../../pool/config.js";
import { launchPool, type RunningPool } from "../../../pool/launcher.js";
import { examples, handler } from "../../command.js";
import type { CliIo } from "../../io.js";

/** Registers `polis pool start` on its parent command. */
export function registerPoolStart(group: Command, io: CliIo): void {
  const cmd = group
    .command("start")
    .description(
      "start the scheduler and workers of a pool config as processes; stays in the foreground " +
        "until Ctrl-C, then stops them cleanly (--config names the pool config, default pool.json)",
    )
    .option("--no-restart", "leave a process that dies down (default: restart it)")
    .action(
      handler(io, async (ctx, opts: { restart: boolean }) => {
        const configPath = resolve(ctx.io.cwd, ctx.opts.config ?? "pool.json");
        const config = loadPoolConfig(configPath);
        const logs = join(config.dataDir, "logs");
        const pool = await launchPool(configPath);
        ctx.out.result(
          {
            scheduler: pool.scheduler,
            logs,
            processes: pool.processes.map((p) => ({
              name: p.name,
              pid: p.child.pid,
              log: p.logFile,
            })),
          },
          () => [
            `Pool ${config.pool} started: scheduler ${pool.scheduler.address}`,
            `  API and result store: ${pool.scheduler.apiUrl} (inventory: polis pool status --config ${configPath})`,
            `  p2p: ${pool.scheduler.dialAddress}`,
            `  ${config.workers.length} worker(s); logs (JSON) in ${logs}/<scheduler|workerN>.log`,
            "Press Ctrl-C to stop.",
          ],
        );
        const supervisor = opts.restart ? supervise(pool, ctx.out.warn.bind(ctx.out)) : undefined;
        const signal = await new Promise<string>((done) => {
          process.once("SIGINT", () => done("SIGINT"));
          process.once("SIGTERM", () => done("SIGTERM"));
        });
        if (supervisor) clearInterval(supervisor);
        ctx.out.status(`${signal}: stopping (workers finish or hand back their tasks)...`);
        await pool.stop();
        ctx.out.status("Pool stopped.");
      }),
    );
  examples(cmd, ["polis pool start --config pool/pool.json"]);
}

/** Restarts a pool process that exited on its own, at most once every 5 s per process. */
function supervise(pool: RunningPool, warn: (line: string) => void): NodeJS.Timeout {
  const last = new Map<string, number>();
  let busy = false;
  return setInterval(() => {
    if (busy) return;
    const dead = pool.processes.find(
      (p) =>
        (p.child.exitCode !== null || p.child.signalCode !== null) &&
        Date.now() - (last.get(p.name) ?? 0) > 5_000,
    );
    if (!dead) return;
    busy = true;
    last.set(dead.name, Date.now());
    warn(`${dead.name} exited (${dead.child.exitCode ?? dead.child.signalCode}); restarting it`);
    pool.restart(dead.name).then(
      () => (busy = false),
      (err: unknown) => {
        busy = false;
        warn(`restarting ${dead.name} failed: ${(err as Error).message}`);
      },
    );
  }, 1_000);
}
