import { expect } from "chai";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunningPool } from "../../src/pool/launcher.js";
import { STATUS } from "../../scripts/lib/pool/deals.js";
import { createPoolWorld, type PoolWorld } from "../../scripts/lib/pool/world.js";
import {
  alive,
  executions,
  expectNothingLocked,
  journal,
  schedulerTask,
  until,
  workerInPhase,
} from "./processes.js";

const WORKERS = ["worker0", "worker1", "worker2"];

describe("Worker pool processes: a worker killed mid-task (SIGKILL)", function () {
  this.timeout(120_000);
  let world: PoolWorld;
  let pool: RunningPool;
  let faultFile: string;

  before(async () => {
    world = await createPoolWorld({ workers: 3, capacity: 2 });
    faultFile = join(world.root, "fault.json");
    pool = await world.launch({ env: { POLIS_FAULT_FILE: faultFile } });
  });
  after(async () => {
    await pool?.stop();
    await world?.stop();
  });

  /** Arms a one-shot crash before `phase`; resolves with the worker that took it and the task. */
  async function crashBefore(phase: string): Promise<() => Promise<{ worker: string }>> {
    for (const f of readdirSync(world.root))
      if (f.startsWith("fault.json.")) writeFileSync(join(world.root, f), ""); // old claims
    writeFileSync(faultFile, JSON.stringify({ phase }));
    return async () => {
      let claim: { worker: string } | undefined;
      await until(() => {
        const f = readdirSync(world.root).find(
          (x) => x.startsWith("fault.json.") && readFileSync(join(world.root, x), "utf8"),
        );
        if (f) claim = JSON.parse(readFileSync(join(world.root, f), "utf8"));
        return claim !== undefined && !alive(pool, claim.worker);
      }, `a worker to crash before ${phase}`);
      return claim!;
    };
  }

  async function stakeOf(address: string) {
    const [stake, locked] = await world.client.hub.accountOf(address);
    return { stake, locked };
  }

  it("in compute: the task is reclaimed after 3 missed heartbeats and completed by another worker; the restarted victim does not run it again", async () => {
    const d = await world.matchDeal({ args: "--sleep 2500" });
    const [taskId] = d.taskIds;
    const victim = await workerInPhase(world, pool, taskId, ["started"]);
    await new Promise((r) => setTimeout(r, 700)); // attested, the app is sleeping
    await pool.kill(victim, "SIGKILL");

    await world.waitForTasks([taskId], { timeoutMs: 30_000 });
    expect(await world.completions(taskId)).to.equal(1);
    expect(await world.fetchResult(taskId)).to.equal("ok --sleep 2500");
    const view = (await schedulerTask(pool, taskId))!;
    const byWorker = new Map(view.assignments.map((a) => [world.workerName(a.worker), a.state]));
    expect(byWorker.get(victim)).to.equal("lost");
    expect([...byWorker.values()]).to.include("done");

    await pool.restart(victim);
    await until(
      () => journal(world, victim).find((r) => r.taskId === taskId)?.phase === "abandoned",
      "the restarted victim to drop the task",
    );
    // One interrupted run (the victim's) and one that completed: nothing ran twice after that.
    expect(executions(world, WORKERS).get(taskId)).to.equal(2);
    await expectNothingLocked(world);
  });

  it("between contribute and reveal (trust 3): the restarted worker reveals, the task completes and both replicas are paid", async () => {
    const crashed = await crashBefore("reveal");
    const d = await world.matchDeal({ trust: 3n, tee: false });
    const [taskId] = d.taskIds;
    const { worker: victim } = await crashed();
    const victimAddress = world.actors.workers[WORKERS.indexOf(victim)].address;
    const before = await stakeOf(victimAddress);
    expect(before.locked).to.equal(d.deal.workerStake); // contributed: its stake is locked
    const scoreBefore = await world.client.taskManager.workerScore(victimAddress);

    await pool.restart(victim);
    await world.waitForTasks([taskId], { timeoutMs: 40_000 });
    expect(await world.completions(taskId)).to.equal(1);
    const contributors = await world.client.taskManager.contributorsOf(taskId);
    expect(contributors).to.include(victimAddress);
    const after = await stakeOf(victimAddress);
    expect(after.locked).to.equal(0n);
    expect(after.stake).to.be.greaterThan(before.stake + before.locked); // stake back + reward
    expect(await world.client.taskManager.workerScore(victimAddress)).to.equal(scoreBefore + 1n);
    expect(await world.fetchResult(taskId)).to.equal("ok ");
    await expectNothingLocked(world);
  });

  it("between contribute and reveal, never restarted: finalized after the reveal deadline, the silent worker is seized", async () => {
    const crashed = await crashBefore("reveal");
    const d = await world.matchDeal({ trust: 3n, tee: false });
    const [taskId] = d.taskIds;
    const { worker: victim } = await crashed();
    const victimAddress = world.actors.workers[WORKERS.indexOf(victim)].address;
    const before = await stakeOf(victimAddress);
    const kittyBefore = await world.client.hub.kitty();
    await until(async () => {
      const v = await world.client.taskManager.taskOf(taskId);
      return Number(v.status) === STATUS.Revealing && v.revealCount >= 1n;
    }, "the honest replica's reveal");
    const view = await world.client.taskManager.taskOf(taskId);
    const now = BigInt((await world.chain.provider.getBlock("latest"))!.timestamp);
    await world.increaseTime(Number(view.revealDeadline - now) + 1);

    await world.waitForTasks([taskId], { timeoutMs: 30_000 });
    const after = await stakeOf(victimAddress);
    expect(after.locked).to.equal(0n);
    expect(after.stake).to.equal(before.stake); // its locked stake is gone
    expect(await world.client.hub.kitty()).to.be.at.least(kittyBefore);
    await expectNothingLocked(world);

    // Restarted later, it sees the task closed and sends nothing.
    await pool.restart(victim);
    await until(
      () => journal(world, victim).find((r) => r.taskId === taskId)?.phase === "done",
      "the victim to close the task",
    );
  });

  it("during upload: the task completes exactly once and its result decrypts", async () => {
    const crashed = await crashBefore("upload-commit");
    const d = await world.matchDeal();
    const [taskId] = d.taskIds;
    const { worker: victim } = await crashed();
    // The blob is in the store but not journaled; restart at once: re-upload (idempotent) or,
    // if the scheduler reclaimed it first, another worker recomputes it.
    await pool.restart(victim);
    await world.waitForTasks([taskId], { timeoutMs: 30_000 });
    expect(await world.completions(taskId)).to.equal(1);
    expect(await world.fetchResult(taskId)).to.equal("ok ");
    await until(
      () =>
        ["done", "abandoned"].includes(
          journal(world, victim).find((r) => r.taskId === taskId)?.phase ?? "",
        ),
      "the victim to finish with the task",
    );
    await expectNothingLocked(world);
  });

  it("with every worker dead, the requester is refunded by a claim after the final deadline; nothing stays locked", async () => {
    const d = await world.matchDeal({ volume: 2n, args: "--sleep 3000" });
    await workerInPhase(world, pool, d.taskIds[0], ["started"]);
    for (const name of WORKERS) await pool.kill(name, "SIGKILL");
    const requester = world.actors.requester.address;
    const before = await stakeOf(requester);
    const kittyBefore = await world.client.hub.kitty();
    expect(before.locked).to.equal(2n * (d.deal.appPrice + d.deal.workerpoolPrice));

    await world.increaseTime(Number(d.deal.timeRef) * 10 + 1);
    const indices = [d.deal.botFirst, d.deal.botFirst + 1n];
    await world.claim(d.dealId, d.deal, indices);
    for (const t of d.taskIds) expect(await world.status(t)).to.equal(STATUS.Failed);
    const after = await stakeOf(requester);
    expect(after).to.deep.equal({ stake: before.stake + before.locked, locked: 0n });
    const poolStake = (d.deal.workerpoolPrice * 2n * 30n) / 100n;
    expect(await world.client.hub.kitty()).to.equal(kittyBefore + poolStake);
    await expectNothingLocked(world);
    await until(
      async () => (await schedulerTask(pool, d.taskIds[0]))?.state === "failed",
      "the scheduler to see the claim",
    );

    for (const name of WORKERS) await pool.restart(name);
    await until(
      () =>
        WORKERS.every((n) =>
          journal(world, n)
            .filter((r) => d.taskIds.includes(r.taskId))
            .every((r) => r.phase === "abandoned" || r.phase === "done"),
        ),
      "the restarted workers to drop the failed tasks",
    );
    expect(existsSync(faultFile)).to.equal(false);
  });
});
