import { mkdir, rm } from "node:fs/promises";
import { join, relative } from "node:path";
import { BaseError } from "../../src/core/errors/index.js";
import { createMarketClient } from "../../src/sdk/market/client.js";
import { createSmsClient } from "../../src/sdk/sms/client.js";
import { liveProcesses, readStackState, startStack } from "../../src/stack/index.js";
import type { Stack } from "../../src/stack/index.js";
import { FULL_SIZE, SMALL_SIZE } from "./context.js";
import type { DemoContext } from "./context.js";
import { createRoles, fundRoles } from "./roles.js";
import { runEHealth } from "./scenarios/eHealth.js";
import type { EHealthReport } from "./scenarios/eHealth.js";
import { runFederated } from "./scenarios/federated.js";
import type { FederatedReport } from "./scenarios/federated.js";
import { runMarketing } from "./scenarios/marketing.js";
import { claimRefusedTask } from "./scenarios/refund.js";
import type { RefundReport } from "./scenarios/refund.js";
import type { MarketingReport } from "./scenarios/marketing.js";
import { parties, printSummary } from "./report.js";
import { balances } from "./summary.js";
import type { DemoSummary } from "./report.js";
import { createUi } from "./ui.js";
import type { DemoUi } from "./ui.js";

export interface RunDemoOptions {
  root: string;
  dataDir: string;
  /** Where the running stack is recorded for `polis down`. */
  statePath: string;
  rpc?: string;
  keep?: boolean;
  small?: boolean;
  logLevel?: string;
  /** Use the default ports when free (default true; tests pass false). */
  defaultPorts?: boolean;
  /** Output lines (default: the console). */
  write?: (line: string) => void;
}

/** What the demo did: its exit code, each scenario's report and the summary. */
export interface DemoOutcome {
  code: number;
  eHealth?: EHealthReport;
  marketing?: MarketingReport;
  federated?: FederatedReport;
  refund?: RefundReport;
  summary?: DemoSummary;
  /** Processes left after the shutdown (must be empty). */
  stray: number[];
}

/**
 * Runs the demo: starts the stack, funds the demo wallets, runs the three scenarios, prints the
 * summary, then stops everything (unless `keep`) and checks no process is left.
 */
export async function runDemo(opts: RunDemoOptions): Promise<DemoOutcome> {
  const ui = createUi(opts.write);
  const outcome: DemoOutcome = { code: 0, stray: [] };
  ui.section("Polis: a marketplace for compute and data, on this machine");
  const previous = await readStackState(opts.statePath);
  if (previous && liveProcesses(previous).length > 0) {
    ui.refused(
      `A stack is already running (recorded in ${relative(process.cwd(), opts.statePath)}). ` +
        "Stop it with `npx polis down`, or pass --state <file>.",
    );
    return { ...outcome, code: 1 };
  }
  await rm(opts.dataDir, { recursive: true, force: true });
  await mkdir(opts.dataDir, { recursive: true });

  let stack: Stack | undefined;
  const interrupted = () => {
    ui.refused("Interrupted: stopping the stack");
    void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once("SIGINT", interrupted);
  try {
    stack = await startStack({
      root: opts.root,
      dataDir: join(opts.dataDir, "stack"),
      statePath: opts.statePath,
      rpc: opts.rpc,
      defaultPorts: opts.defaultPorts,
      logLevel: opts.logLevel,
      onStep: (s) => ui.step(s),
    });
    printUrls(ui, stack);
    const ctx = await prepare(stack, opts, ui);
    const startBlock = await stack.chain.provider.getBlockNumber();
    ui.section("Scenario 1/3: e-Health (encrypted patient data, grants, TEE, refusals)");
    outcome.eHealth = await runEHealth(ctx);
    ui.section("Scenario 2/3: marketing campaign (clear data, trust-3 replicated deal)");
    outcome.marketing = await runMarketing(ctx);
    ui.section("Scenario 3/3: federated learning (three districts, no raw data leaves an enclave)");
    outcome.federated = await runFederated(ctx);
    ui.section("Epilogue: the refused task is refunded");
    outcome.refund = await claimRefusedTask(ctx, outcome.eHealth.ungranted);
    ui.section("Summary");
    outcome.summary = await printSummary(ctx, { ...outcome, startBlock });
    if (!outcome.summary.ok) outcome.code = 1;
  } catch (error) {
    outcome.code = 1;
    ui.refused(`The demo failed: ${describe(error)}`);
    if (stack) ui.detail(`Logs of every service: ${join(stack.state.dataDir, "logs")}`);
  } finally {
    process.removeListener("SIGINT", interrupted);
  }
  if (stack && opts.keep && outcome.code === 0) {
    printKept(ui, stack, opts);
    return outcome;
  }
  if (stack) {
    ui.step("Stopping every process");
    const { stray } = await stack.stop();
    outcome.stray = stray;
    if (stray.length) {
      outcome.code = 1;
      ui.refused(`processes left running: ${stray.join(", ")}`);
    } else ui.ok(`all ${stack.state.processes.length} processes stopped, none left behind`);
  }
  ui.step(outcome.code === 0 ? "Demo finished." : "Demo FAILED.");
  return outcome;
}

async function prepare(stack: Stack, opts: RunDemoOptions, ui: DemoUi): Promise<DemoContext> {
  ui.step("Funding the demo wallets (gas money, faucet + deposit for the requesters)");
  const roles = createRoles(stack.chain.provider);
  await fundRoles(stack, roles);
  const dataDir = join(opts.dataDir, "scenarios");
  await mkdir(dataDir, { recursive: true });
  const ctx: DemoContext = {
    stack,
    client: stack.client,
    market: createMarketClient({ url: stack.state.urls.market }),
    sms: createSmsClient({ url: stack.state.urls.sms, chainId: stack.chain.chainId }),
    roles,
    dataDir,
    size: opts.small ? SMALL_SIZE : FULL_SIZE,
    ui,
    baseline: new Map(),
  };
  ctx.baseline = await balances(stack.client, parties(ctx));
  return ctx;
}

function printUrls(ui: DemoUi, stack: Stack): void {
  const u = stack.state.urls;
  ui.ok(
    `chain ${u.rpc} (chain id ${stack.state.chainId}${stack.state.embeddedChain ? ", anvil" : ""})`,
  );
  ui.ok(`SMS ${u.sms} · market ${u.market} · explorer ${u.explorer} · pool API ${u.scheduler}`);
  ui.ok(
    `pool ${stack.state.pool.address}: 1 scheduler, ${stack.state.pool.workers.length} workers`,
  );
}

function printKept(ui: DemoUi, stack: Stack, opts: RunDemoOptions): void {
  const u = stack.state.urls;
  const rel = (p: string) => relative(process.cwd(), p) || ".";
  ui.section("Everything keeps running (--keep)");
  ui.detail(`explorer   ${u.explorer}`);
  ui.detail(`chain      ${u.rpc}`);
  ui.detail(`SMS        ${u.sms}`);
  ui.detail(`market     ${u.market}`);
  ui.detail(`pool API   ${u.scheduler}/v1/pool`);
  ui.detail(`logs       ${rel(join(stack.state.dataDir, "logs"))}/`);
  ui.detail(
    `CLI        npx polis --rpc ${u.rpc} --deployments ${rel(stack.state.deploymentsDir)} ` +
      `--market ${u.market} --sms ${u.sms} orderbook workerpool`,
  );
  ui.detail(
    `stop with  npx polis down${opts.statePath.endsWith(join(".polis", "stack.json")) ? "" : ` --state ${rel(opts.statePath)}`}`,
  );
}

function describe(error: unknown): string {
  if (error instanceof BaseError)
    return `${error.name}: ${error.shortMessage}${error.details ? `\n${error.details}` : ""}`;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
