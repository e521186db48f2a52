import { expect } from "chai";
import { readFileSync, writeFileSync } from "node:fs";
import type { RunningPool } from "../../src/pool/launcher.js";
import { STATUS } from "../../scripts/lib/pool/deals.js";
import { createPoolWorld, type PoolWorld } from "../../scripts/lib/pool/world.js";
import {
  expectNothingLocked,
  journal,
  logLines,
  schedulerRows,
  schedulerTask,
  until,
  workerInPhase,
} from "./processes.js";

const WORKERS = ["worker0", "worker1"];
const GRACE_MS = 2_500;

/** Sums a Prometheus sample over the series whose labels include `labels` (e.g. `cause="X"`). */
function sample(text: string, metric: string, labels = ""): number {
  let total = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(metric) || !line.includes(labels)) continue;
    const m = /^(\S+?)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (m && m[1] === metric) total += Number(m[3]);
  }
  return total;
}

describe("Worker pool processes: metrics, logs, graceful shutdown, re-assignment", function () {
  this.timeout(120_000);
  let world: PoolWorld;
  let pool: RunningPool;

  before(async () => {
    world = await createPoolWorld({ workers: 2, capacity: 2 });
    const config = JSON.parse(readFileSync(world.configPath, "utf8"));
    for (const w of config.workers) w.stopGraceMs = GRACE_MS;
    writeFileSync(world.configPath, JSON.stringify(config, null, 2));
    pool = await world.launch();
  });
  after(async () => {
    await pool?.stop();
    await world?.stop();
  });

  const metricsOf = async (name: string) => {
    const { metricsUrl } = await pool.workerInfo(name);
    const res = await fetch(metricsUrl);
    expect(res.headers.get("content-type")).to.match(/^text\/plain/);
    return res.text();
  };

  it("each worker serves Prometheus metrics (tasks by state, durations, failures by cause) and logs pino JSON without secrets", async () => {
    const ok = await world.matchDeal({ volume: 3n });
    await world.waitForTasks(ok.taskIds, { timeoutMs: 60_000 });
    // An app that always fails: retried on the workers, then stalled (left to its refund).
    const bad = await world.matchDeal({ args: "--fail" });
    await until(
      async () => (await schedulerTask(pool, bad.taskIds[0]))?.state === "stalled",
      "the failing task to stall",
    );
    const [{ failures }] = schedulerRows<{ failures: number }>(
      world,
      "SELECT failures FROM tasks WHERE task_id = ?",
      bad.taskIds[0],
    );
    expect(failures).to.equal(3);
    expect(await world.status(bad.taskIds[0])).to.equal(STATUS.Unset); // nothing was pushed

    let texts: string[] = [];
    const total = (metric: string, labels = "") =>
      texts.reduce((s, t) => s + sample(t, metric, labels), 0);
    // Workers close a handed-in task once the scheduler (heartbeat) or the chain says it is done.
    await until(async () => {
      texts = await Promise.all(WORKERS.map(metricsOf));
      return total("polis_worker_tasks", 'state="done"') === 3;
    }, "3 tasks done in the workers' metrics");
    expect(total("polis_worker_task_seconds_count", 'outcome="done"')).to.equal(3);
    expect(total("polis_worker_failures_total", 'cause="AppFailed"')).to.equal(3);
    expect(total("polis_worker_phase_seconds_count", 'phase="enclave_compute"')).to.equal(3);
    expect(total("polis_worker_phase_seconds_count", 'phase="enclave_session"')).to.equal(3);
    expect(total("polis_worker_phase_seconds_count", 'phase="upload"')).to.equal(3);
    expect(total("polis_worker_phase_seconds_sum", 'phase="compute"')).to.be.greaterThan(0);
    expect(texts[0]).to.contain("polis_worker_process_resident_memory_bytes");
    const health = await fetch(
      (await pool.workerInfo("worker0")).metricsUrl.replace("/metrics", "/healthz"),
    );
    expect(await health.json()).to.deep.equal({ ok: true });

    const secrets = [
      world.actors.scheduler.privateKey,
      ...world.actors.workers.map((w) => w.privateKey),
    ].map((k) => k.slice(2).toLowerCase());
    for (const name of ["scheduler", ...WORKERS]) {
      const raw = readFileSync(pool.processes.find((p) => p.name === name)!.logFile, "utf8");
      for (const s of secrets) expect(raw.toLowerCase()).not.to.contain(s);
      const lines = logLines(pool, name);
      expect(lines.length).to.be.at.least(3);
      for (const l of lines) expect(l).to.include.keys("level", "time", "name", "msg");
    }
    // The failing deal is refunded after its deadline like any unfinished task.
    await world.increaseTime(Number(bad.deal.timeRef) * 10 + 1);
    await world.claim(bad.dealId, bad.deal, [bad.deal.botFirst]);
    await expectNothingLocked(world);
  });

  it("on SIGTERM a worker finishes a task that fits in its grace period, then exits 0", async () => {
    const d = await world.matchDeal({ args: "--sleep 300" });
    const victim = await workerInPhase(world, pool, d.taskIds[0], ["started"]);
    await pool.kill(victim, "SIGTERM");
    expect(pool.processes.find((p) => p.name === victim)!.child.exitCode).to.equal(0);
    await world.waitForTasks(d.taskIds, { timeoutMs: 30_000 });
    const view = (await schedulerTask(pool, d.taskIds[0]))!;
    expect(view.assignments.map((a) => [world.workerName(a.worker), a.state])).to.deep.equal([
      [victim, "done"],
    ]);
    await pool.restart(victim);
  });

  it("on SIGTERM a worker hands back a task that cannot finish in time: another worker takes it at once", async () => {
    const d = await world.matchDeal({ args: "--sleep 6000" });
    const victim = await workerInPhase(world, pool, d.taskIds[0], ["started"]);
    const t0 = Date.now();
    await pool.kill(victim, "SIGTERM");
    expect(pool.processes.find((p) => p.name === victim)!.child.exitCode).to.equal(0);
    expect(Date.now() - t0).to.be.within(GRACE_MS - 200, GRACE_MS + 5_000);
    let view = (await schedulerTask(pool, d.taskIds[0]))!;
    expect(view.assignments.find((a) => world.workerName(a.worker) === victim)!.state).to.equal(
      "released",
    );
    // Picked up well before a lost worker would be noticed (3 heartbeats).
    const rescuer = WORKERS.find((w) => w !== victim)!;
    await workerInPhase(world, pool, d.taskIds[0], ["assigned", "started"], 1_500);
    await world.waitForTasks(d.taskIds, { timeoutMs: 30_000 });
    view = (await schedulerTask(pool, d.taskIds[0]))!;
    expect(view.assignments.find((a) => world.workerName(a.worker) === rescuer)!.state).to.equal(
      "done",
    );
    expect(journal(world, victim).find((r) => r.taskId === d.taskIds[0])!.phase).to.equal(
      "abandoned",
    );
    await pool.restart(victim);
  });

  it("re-assigns a dead worker's task after 3 missed heartbeats, but not once the contribution deadline is too close", async () => {
    const d = await world.matchDeal({ args: "--sleep 3000" });
    let victim = await workerInPhase(world, pool, d.taskIds[0], ["started"]);
    const killedAt = Date.now();
    await pool.kill(victim, "SIGKILL");
    await until(
      () =>
        logLines(pool, "scheduler").some(
          (l) => l.msg === "worker lost; task reclaimed" && l.taskId === d.taskIds[0],
        ),
      "the loss to be noticed",
    );
    const lost = logLines(pool, "scheduler").find(
      (l) => l.msg === "worker lost; task reclaimed" && l.taskId === d.taskIds[0],
    )!;
    // heartbeat 500 ms: lost after 1.5 s of silence, noticed at the next scheduler pass.
    expect(Number(lost.time) - killedAt).to.be.within(1_000, 4_000);
    await world.waitForTasks(d.taskIds, { timeoutMs: 30_000 });
    await pool.restart(victim);

    // Same crash, but the chain is 20 s from the contribution deadline: nobody gets it any more.
    const late = await world.matchDeal({ args: "--sleep 3000" });
    victim = await workerInPhase(world, pool, late.taskIds[0], ["started"]);
    await pool.kill(victim, "SIGKILL");
    const now = BigInt((await world.chain.provider.getBlock("latest"))!.timestamp);
    const contributionDeadline = late.deal.startTime + late.deal.timeRef * 7n;
    await world.increaseTime(Number(contributionDeadline - now) - 20);
    await until(
      async () => (await schedulerTask(pool, late.taskIds[0]))?.state === "pending",
      "the task to be reclaimed",
    );
    await new Promise((r) => setTimeout(r, 2_000));
    const view = (await schedulerTask(pool, late.taskIds[0]))!;
    expect(view.state).to.equal("pending");
    expect(view.assignments.filter((a) => a.state === "active")).to.deep.equal([]);
    expect(await world.status(late.taskIds[0])).to.equal(STATUS.Unset);
    await world.increaseTime(Number(late.deal.timeRef) * 3 + 21);
    await world.claim(late.dealId, late.deal, [late.deal.botFirst]);
    await expectNothingLocked(world);
    await pool.restart(victim);
  });
});
