import type { Command } from "commander";
import { createWorkerpool } from "../../../sdk/actions/assets/createWorkerpool.js";
import type { ResourceClass } from "../../../sdk/actions/assets/createWorkerpool.js";
import { examples, handler } from "../../command.js";
import type { CliIo } from "../../io.js";
import { keyValues } from "../../output.js";
import { parse } from "../../parse.js";

interface PoolFlags {
  description: string;
  class: string;
  location?: string;
  workerStakeRatio: string;
  schedulerRewardRatio: string;
  scheduler?: string;
}

/** Registers `polis workerpool deploy` on its parent command. */
export function registerWorkerpoolDeploy(group: Command, io: CliIo): void {
  const cmd = group
    .command("deploy")
    .description("register a worker pool")
    .requiredOption("--description <text>", "what the pool is")
    .option("--class <class>", "cloud, fog or edge", "cloud")
    .option("--location <tag>", 'location tag, e.g. "eu-west/paris"')
    .option("--worker-stake-ratio <percent>", "worker stake, % of the pool price", "30")
    .option("--scheduler-reward-ratio <percent>", "scheduler share, % of the pool price", "20")
    .option("--scheduler <address>", "hot key signing worker authorizations (default: owner)")
    .action(
      handler(io, async (ctx, opts: PoolFlags) => {
        const client = await ctx.signerClient();
        const result = await createWorkerpool(client, {
          description: opts.description,
          resourceClass: opts.class as ResourceClass,
          location: opts.location,
          workerStakeRatio: Number(parse.integer(opts.workerStakeRatio, "--worker-stake-ratio")),
          schedulerRewardRatio: Number(
            parse.integer(opts.schedulerRewardRatio, "--scheduler-reward-ratio"),
          ),
          scheduler: parse.optionalAddress(opts.scheduler, "--scheduler"),
        });
        ctx.out.result(result, () => [
          `Deployed workerpool ${result.workerpool}`,
          ...keyValues([
            ["owner", result.owner],
            ["tx", result.txHash],
          ]),
          `Next: \`polis account deposit <stake>\` then \`polis workerpool publish ${result.workerpool} --price <polis>\`.`,
        ]);
      }),
    );
  examples(cmd, [
    'polis workerpool deploy --description "city fog pool" --class fog --location eu-west/paris',
  ]);
}
