import type { Command } from "commander";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { loadPoolConfig } from "../../../pool/config.js";
import { announcementPath, readAnnouncement } from "../../../pool/runtime.js";
import { DEFAULT_POOL_API_URL, createPoolClient } from "../../../sdk/pool/client.js";
import { examples, handler } from "../../command.js";
import type { CliIo } from "../../io.js";

/** Registers `polis pool status` on its parent command. */
export function registerPoolStatus(group: Command, io: CliIo): void {
  const cmd = group
    .command("status")
    .description(
      "show a pool's inventory from its scheduler: each worker's class, CPU, memory, TEE, " +
        "location and load (--config names a pool config to find the scheduler)",
    )
    .option(
      "--url <url>",
      `scheduler API URL (default: from --config, else ${DEFAULT_POOL_API_URL})`,
    )
    .action(
      handler(io, async (ctx, opts: { url?: string }) => {
        let url = opts.url;
        if (!url && ctx.opts.config) {
          const config = loadPoolConfig(resolve(ctx.io.cwd, ctx.opts.config));
          if (existsSync(announcementPath(config.dataDir)))
            url = (await readAnnouncement(config.dataDir, 1_000)).apiUrl;
          else if (config.scheduler.apiPort)
            url = `http://${config.scheduler.apiHost ?? "127.0.0.1"}:${config.scheduler.apiPort}`;
        }
        const client = createPoolClient({
          url,
          hint: "Is the pool running? Start it with `polis pool start`, or pass --url.",
        });
        const inv = await client.inventory();
        ctx.out.result(inv, () => {
          const rows = inv.workers.map((w) => [
            w.address,
            w.alive ? "up" : "down",
            w.resourceClass ?? "?",
            String(w.cpus ?? "?"),
            `${w.memoryMb ?? "?"} MiB`,
            w.tee ? "yes" : "no",
            w.location || "-",
            `${w.running}/${w.capacity ?? "?"}`,
          ]);
          const head = ["worker", "state", "class", "cpus", "memory", "tee", "location", "load"];
          const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
          const line = (r: string[]) =>
            r
              .map((c, i) => c.padEnd(widths[i]))
              .join("  ")
              .trimEnd();
          const t = inv.tasks;
          return [
            `Pool ${inv.pool} (scheduler ${inv.scheduler}, chain ${inv.chainId})`,
            `Results: ${inv.resultStore}`,
            `Tasks: ${t.pending} pending, ${t.running} running, ${t.completed} completed, ${t.failed} failed` +
              (t.stalled ? `, ${t.stalled} stalled` : ""),
            `Workers: ${inv.workers.filter((w) => w.alive).length} up of ${inv.workers.length}, ${inv.capacity} slots`,
            "",
            line(head),
            ...rows.map(line),
          ];
        });
      }),
    );
  examples(cmd, [
    "polis pool status --config pool/pool.json",
    "polis pool status --url http://10.0.0.5:13600 --json",
  ]);
}
