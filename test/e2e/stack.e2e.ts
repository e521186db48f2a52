import { expect } from "chai";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isAlive, strayProcesses } from "../../src/stack/index.js";
import type { StackState } from "../../src/stack/index.js";
import { runCli } from "../cli/helpers/polis.js";

describe("polis up / polis down", function () {
  this.timeout(120_000);
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "polis-up-"));
  });
  after(async () => {
    if (existsSync(join(dir, ".polis", "stack.json"))) await runCli(["down"], { cwd: dir });
    await rm(dir, { recursive: true, force: true });
  });

  it("starts every service with an embedded chain, refuses a second stack, and stops cleanly", async () => {
    const up = await runCli(["up", "--json", "--workers", "2", "--log-level", "warn"], {
      cwd: dir,
    });
    expect(up.code, up.stderr).to.equal(0);
    const state = up.json as StackState;
    expect(state.embeddedChain).to.equal(true);
    expect(state.processes.map((p) => p.name)).to.deep.equal([
      "chain",
      "sms",
      "market",
      "auditor",
      "scheduler",
      "worker0",
      "worker1",
    ]);
    for (const p of state.processes) expect(isAlive(p.pid), p.name).to.equal(true);
    const pool = (await (await fetch(`${state.urls.scheduler}/v1/pool`)).json()) as {
      workers: Array<{ alive: boolean; tee: boolean }>;
    };
    expect(pool.workers.filter((w) => w.alive && w.tee)).to.have.length(2);
    expect((await fetch(state.urls.explorer)).status).to.equal(200);
    const env = {
      POLIS_RPC: state.urls.rpc,
      POLIS_DEPLOYMENTS: state.deploymentsDir,
      POLIS_MARKET: state.urls.market,
    };
    const book = await runCli(["orderbook", "workerpool", "--json"], { cwd: dir, env });
    expect(book.code, book.stderr).to.equal(0);
    expect(book.json.total).to.equal(2);

    const again = await runCli(["up"], { cwd: dir });
    expect(again.code).to.equal(1);
    expect(again.stderr).to.contain("already running");

    const down = await runCli(["down"], { cwd: dir });
    expect(down.code, down.stderr).to.equal(0);
    expect(down.stdout).to.contain("Stopped chain, sms, market, auditor, scheduler");
    for (const p of state.processes) expect(isAlive(p.pid), p.name).to.equal(false);
    expect(strayProcesses(state.processes, state.dataDir)).to.deep.equal([]);
    const twice = await runCli(["down"], { cwd: dir });
    expect(twice.code).to.equal(0);
    expect(twice.stdout).to.contain("No stack is recorded");
  });
});
