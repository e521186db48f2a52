import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readStackState, strayProcesses } from "../../src/stack/index.js";
import type { StackState } from "../../src/stack/index.js";
import { runDemo } from "../../scripts/demo/run.js";
import type { DemoOutcome } from "../../scripts/demo/run.js";
import { FL_ACCURACY_FLOOR } from "../../scripts/demo/report.js";
import { startAnvil } from "../cli/helpers/anvil.js";
import type { Anvil } from "../cli/helpers/anvil.js";
import { runCli } from "../cli/helpers/polis.js";

describe("demo (e2e): the three scenarios at a reduced size on a real multi-process stack", function () {
  this.timeout(240_000);
  let dir: string;
  let anvil: Anvil;
  let outcome: DemoOutcome;
  let state: StackState;
  const lines: string[] = [];
  const output = () => lines.join("\n");

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "polis-demo-e2e-"));
    // `--rpc` against an anvil we started; `--keep` so the CLI can use the stack afterwards.
    anvil = await startAnvil();
    outcome = await runDemo({
      root: process.cwd(),
      dataDir: join(dir, "demo"),
      statePath: join(dir, "stack.json"),
      rpc: anvil.url,
      keep: true,
      small: true,
      defaultPorts: false,
      logLevel: "warn",
      write: (l) => lines.push(l),
    });
    state = (await readStackState(join(dir, "stack.json")))!;
  });

  after(async () => {
    if (state && existsSync(join(dir, "stack.json")))
      await runCli(["down", "--state", join(dir, "stack.json")], { cwd: dir });
    await anvil?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("completes every step and leaves the stack running for the CLI (--keep)", () => {
    expect(outcome.code, output()).to.equal(0);
    expect(outcome.summary?.failures).to.deep.equal([]);
    expect(state.urls.rpc).to.equal(anvil.url);
    expect(state.embeddedChain).to.equal(false);
    expect(state.processes.map((p) => p.name)).to.have.members([
      "sms",
      "market",
      "auditor",
      "scheduler",
      "worker0",
      "worker1",
      "worker2",
    ]);
    expect(output()).to.contain("Everything keeps running (--keep)");
  });

  it("e-Health: each ward's enclave finds exactly the injected anomalies; 3 of 5 grant uses spent", () => {
    const r = outcome.eHealth!;
    expect(r.wards.map((w) => w.ward)).to.deep.equal(["icu", "cardiology", "general"]);
    expect(r.exact).to.equal(true);
    for (const w of r.wards) expect(w.found).to.equal(w.expected);
    expect(r.wards.reduce((s, w) => s + w.found, 0)).to.equal(r.injected);
    expect(r.injected).to.be.greaterThan(0);
    expect(r.grant).to.deep.equal({ uses: 5, used: 3 });
    expect(r.verified.ok).to.equal(true);
    // Every step passes, the quote's certificate chain to the SMS's pinned root included.
    expect(r.verified.passed).to.equal(r.verified.steps);
  });

  it("e-Health: the SMS refuses the ungranted app's enclave and the hub refuses a new match", () => {
    const r = outcome.eHealth!;
    expect(Object.keys(r.ungranted.smsDenials)).to.deep.equal(["DatasetGrantMissing"]);
    expect(r.ungranted.smsDenials.DatasetGrantMissing).to.be.at.least(1);
    expect(r.ungranted.poolState).to.equal("stalled");
    expect(r.ungranted.workerErrors.join("\n")).to.contain("DatasetGrantMissing");
    expect(r.chainRefusal).to.match(/^GrantMissing/);
    expect(output()).to.match(/✗ SMS: \d+ release\(s\) denied, reason DatasetGrantMissing/);
    expect(output()).to.contain("refused by the hub: GrantMissing");
    // Nobody could read the data: the refused task failed and its requester got the price back.
    expect(outcome.refund).to.include({ claimed: true });
    expect(outcome.refund!.refunded).to.equal(6n * 10n ** 18n);
    expect(outcome.refund!.seized).to.equal(9n * 10n ** 17n);
  });

  it("marketing: a trust-3 deal reaches consensus; CTR and conversion per category are right", () => {
    const r = outcome.marketing!;
    expect(r.trust).to.equal(3);
    expect(r.totalsMatch).to.equal(true);
    const agreed = r.contributions.filter((c) => c.agreed);
    expect(agreed.length).to.be.at.least(2);
    for (const c of agreed) {
      expect(c.status).to.equal("revealed");
      expect(c.scoreAfter).to.equal(c.scoreBefore + 1);
      expect(c.reward > 0n).to.equal(true);
    }
    // Plain arithmetic: hardhat's chai matchers take over closeTo for bigints and refuse floats.
    for (const c of Object.values(r.result.categories)) {
      expect(Math.abs(c.ctr - c.clicks / c.impressions)).to.be.lessThan(1e-6);
      expect(Math.abs(c.conversionRate - c.conversions / c.clicks)).to.be.lessThan(1e-6);
    }
    // The generator's true rates: local shops convert best, transport worst.
    expect(r.result.categories["local-shops"].ctr).to.be.greaterThan(
      r.result.categories.transport.ctr,
    );
  });

  it("federated learning: the joint model beats the floor; no update was readable outside enclaves", () => {
    const r = outcome.federated!;
    expect(r.districts).to.have.length(3);
    expect(r.accuracy).to.be.at.least(FL_ACCURACY_FLOOR);
    expect(r.recomputedAccuracy).to.equal(r.accuracy);
    expect(r.coordinatorReadUpdate).to.equal(false);
    expect(r.samples).to.equal(3 * 150);
  });

  it("payments: escrow is conserved and the auditor's integrity check passes", () => {
    const s = outcome.summary!;
    expect(s.escrow.conserved).to.equal(true);
    expect(s.escrow.accounts + s.escrow.kitty).to.equal(s.escrow.hubBalance);
    expect(s.integrity.ok).to.equal(true);
    expect(s.integrity.checks.map((c) => c.id)).to.include("escrow-conservation");
    const evidence = s.integrity.checks.find((c) => c.id === "task-evidence")!;
    expect(evidence.message).to.contain("(7 enclave quotes checked to the attestation root)");
    expect(s.deals).to.equal(9);
    expect(s.completed).to.equal(8);
    expect(s.failed).to.equal(1);
    const sum = s.payments.reduce((acc, p) => acc + p.delta, 0n) + s.escrow.kitty;
    expect(sum, "value moves between parties, none is created or lost").to.equal(0n);
    const byLabel = Object.fromEntries(s.payments.map((p) => [p.label, p.delta]));
    expect(byLabel["Hospital (vitals data set)"]).to.equal(3n * 2n * 10n ** 18n);
  });

  it("the CLI verifies a task against the stack, then `polis down` stops it all", async () => {
    const flags = [
      "--rpc",
      state.urls.rpc,
      "--deployments",
      state.deploymentsDir,
      "--market",
      state.urls.market,
      "--sms",
      state.urls.sms,
    ];
    const verify = await runCli([...flags, "verify", "task", outcome.eHealth!.verified.taskId], {
      cwd: dir,
    });
    expect(verify.code, verify.stderr).to.equal(0);
    expect(verify.stdout).to.contain("PASS  Orders behind the deal");
    expect(verify.stdout).to.contain("PASS  Attestation certificate chain");
    expect(verify.stdout).to.not.contain("FAIL");
    const down = await runCli(["down", "--state", join(dir, "stack.json"), "--json"], { cwd: dir });
    expect(down.code, down.stderr).to.equal(0);
    expect(down.json.stopped.map((p: { name: string }) => p.name)).to.have.members(
      state.processes.map((p) => p.name),
    );
    expect(strayProcesses(state.processes, state.dataDir)).to.deep.equal([]);
    expect(existsSync(join(dir, "stack.json"))).to.equal(false);
  });
});
