import type { Command } from "commander";
import { resolve } from "node:path";
import { UserError } from "../../../core/errors/index.js";
import { initPool } from "../../../pool/init.js";
import { readKeyFile } from "../../../pool/config.js";
import { getWorkerpool } from "../../../sdk/actions/assets/getWorkerpool.js";
import { examples, handler } from "../../command.js";
import type { CliIo } from "../../io.js";
import { parse } from "../../parse.js";

interface InitFlags {
  pool: string;
  workers: string;
  dir: string;
  authority?: string;
  schedulerKey?: string;
  class: string;
  cpus: string;
  memory: string;
  location?: string;
  capacity: string;
  apiPort: string;
  metricsPort: string;
  force?: boolean;
}

/** Registers `polis pool init` on its parent command. */
export function registerPoolInit(group: Command, io: CliIo): void {
  const cmd = group
    .command("init")
    .description("write pool.json and key files (0600) for a scheduler and its workers")
    .requiredOption("--pool <address>", "the workerpool asset the pool runs")
    .option("--workers <n>", "number of workers", "2")
    .option("--dir <folder>", "folder for pool.json, keys/ and hosts/", "pool")
    .option("--authority <dir>", "attestation authority folder: enrol each worker host (TEE)")
    .option("--scheduler-key <file>", "use this key (the pool's registered scheduler key)")
    .option("--class <class>", "workers' resource class: cloud, fog or edge", "cloud")
    .option("--cpus <n>", "CPUs per worker", "1")
    .option("--memory <mb>", "memory per worker, MiB", "1024")
    .option("--location <tag>", 'location tag, e.g. "eu-west/paris"')
    .option("--capacity <n>", "tasks each worker runs at once", "2")
    .option("--api-port <port>", "scheduler API and result store port (0: any, kept)", "13600")
    .option("--metrics-port <port>", "first worker's metrics port, next ones +1 (0: any)", "0")
    .option("--force", "replace an existing pool.json (keys are never overwritten)")
    .action(
      handler(io, async (ctx, f: InitFlags) => {
        if (!["cloud", "fog", "edge"].includes(f.class))
          throw new UserError(`--class: "${f.class}" is not cloud, fog or edge.`);
        const s = await ctx.settings();
        const pool = parse.address(f.pool, "--pool");
        const int = (v: string, flag: string, min = 0n) => Number(parse.integer(v, flag, min));
        const result = await initPool({
          dir: resolve(ctx.io.cwd, f.dir),
          rpc: s.rpc,
          deployments: s.deploymentsDir,
          pool,
          smsUrl: s.sms,
          workers: int(f.workers, "--workers", 1n),
          schedulerKey: f.schedulerKey
            ? readKeyFile(resolve(ctx.io.cwd, f.schedulerKey))
            : undefined,
          inventory: {
            resourceClass: f.class as "cloud" | "fog" | "edge",
            cpus: int(f.cpus, "--cpus", 1n),
            memoryMb: int(f.memory, "--memory", 1n),
            location: f.location ?? "",
            capacity: int(f.capacity, "--capacity", 1n),
          },
          authorityDir: f.authority ? resolve(ctx.io.cwd, f.authority) : undefined,
          scheduler: { apiPort: int(f.apiPort, "--api-port") },
          metricsPort: int(f.metricsPort, "--metrics-port"),
          force: f.force === true,
        });
        const onChain = await getWorkerpool(await ctx.client(), { workerpool: pool }).then(
          (w) => w.scheduler,
          (err: unknown) => {
            ctx.out.debug(`pool lookup failed: ${(err as Error).message}`);
            return undefined;
          },
        );
        if (onChain && onChain.toLowerCase() !== result.scheduler.address.toLowerCase())
          ctx.out.warn(
            `the pool's scheduler on-chain is ${onChain}: deals will name it, not ${result.scheduler.address}. ` +
              "Have the pool owner set this key (WorkerpoolRegistry.setScheduler) or pass --scheduler-key.",
          );
        ctx.out.result(
          {
            configPath: result.configPath,
            scheduler: result.scheduler,
            workers: result.workers,
          },
          () => [
            `Wrote ${result.configPath}`,
            `scheduler ${result.scheduler.address}  ${result.scheduler.keyFile}`,
            ...result.workers.map(
              (w, i) =>
                `worker${i}   ${w.address}  ${w.keyFile}${w.platformDir ? `  (TEE host ${w.platformDir})` : ""}`,
            ),
            "Next: give the workers gas (and stake for replicated deals), then " +
              `\`polis pool start --config ${result.configPath}\`.`,
          ],
        );
      }),
    );
  examples(cmd, [
    "polis pool init --pool 0xPool --workers 4 --class fog --location eu-west/paris",
    "polis pool init --pool 0xPool --authority ./authority --scheduler-key scheduler.key",
  ]);
}
