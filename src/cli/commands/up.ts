import { rm } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { UserError } from "../../core/errors/index.js";
import { liveProcesses, readStackState, startStack } from "../../stack/index.js";
import type { StackState } from "../../stack/index.js";
import { examples, handler } from "../command.js";
import { resolveFrom } from "../config.js";
import type { CliContext } from "../context.js";
import type { CliIo } from "../io.js";
import { keyValues } from "../output.js";
import { parse } from "../parse.js";

/** The repository root: where the services' entry points and node_modules are. */
const ROOT = resolve(fileURLToPath(new URL("../../..", import.meta.url)));

interface UpFlags {
  dataDir: string;
  state: string;
  workers: string;
  logLevel: string;
}

/** Registers `polis up` on the program. */
export function registerUp(program: Command, io: CliIo): void {
  const cmd = program
    .command("up")
    .description(
      "start the whole marketplace on 127.0.0.1, each service its own process: a chain (anvil, or --rpc), the contracts, the SMS, the market, the auditor/explorer and a worker pool",
    )
    .option("--data-dir <dir>", "where the stack keeps its data and logs (emptied)", ".polis/stack")
    .option("--state <file>", "where the running stack is recorded", ".polis/stack.json")
    .option("--workers <n>", "workers in the pool", "3")
    .option("--log-level <level>", "log level of the services' JSON logs", "info")
    .action(handler(io, (ctx, opts: UpFlags) => up(ctx, opts)));
  examples(cmd, [
    "polis up",
    "polis up --rpc http://127.0.0.1:8545   # an anvil or hardhat node you started",
    "polis down",
  ]);
}

async function up(ctx: CliContext, opts: UpFlags): Promise<void> {
  const statePath = resolveFrom(ctx.io.cwd, opts.state);
  const previous = await readStackState(statePath);
  if (previous && liveProcesses(previous).length > 0) {
    throw new UserError(`A stack is already running (${statePath}).`, {
      hint: "Stop it with `polis down` first.",
    });
  }
  const dataDir = resolveFrom(ctx.io.cwd, opts.dataDir);
  await rm(dataDir, { recursive: true, force: true });
  const stack = await startStack({
    root: ROOT,
    dataDir,
    statePath,
    rpc: ctx.opts.rpc,
    workers: Number(parse.integer(opts.workers, "--workers", 1n)),
    logLevel: opts.logLevel,
    onStep: (s) => ctx.out.status(s),
  });
  stack.chain.provider.destroy();
  ctx.out.result(stack.state, () => upLines(stack.state, ctx.io.cwd, statePath));
}

function upLines(state: StackState, cwd: string, statePath: string): string[] {
  const rel = (p: string) => relative(cwd, p) || ".";
  const u = state.urls;
  return [
    "The Polis stack is running:",
    ...keyValues([
      ["chain", `${u.rpc} (chain ${state.chainId}${state.embeddedChain ? ", anvil" : ""})`],
      ["explorer", u.explorer],
      ["market", u.market],
      ["SMS", u.sms],
      ["pool", `${state.pool.address} (API ${u.scheduler}/v1/pool)`],
      ["deployments", rel(state.deploymentsDir)],
      ["logs", rel(join(state.dataDir, "logs"))],
    ]).map((l) => `  ${l}`),
    "Use it with the CLI:",
    `  export POLIS_RPC=${u.rpc} POLIS_DEPLOYMENTS=${rel(state.deploymentsDir)} POLIS_MARKET=${u.market} POLIS_SMS=${u.sms}`,
    "  polis orderbook workerpool",
    `Stop it with \`polis down${rel(statePath) === join(".polis", "stack.json") ? "" : ` --state ${rel(statePath)}`}\`.`,
  ];
}
