import { expect } from "chai";
import type { RunningPool } from "../../src/pool/launcher.js";
import { createPoolWorld, type PoolWorld } from "../../scripts/lib/pool/world.js";
import { executions, expectNothingLocked, logLines, schedulerRows, until } from "./processes.js";

const WORKERS = ["worker0", "worker1"];

describe("Worker pool processes: the scheduler killed and restarted", function () {
  this.timeout(120_000);
  let world: PoolWorld;
  let pool: RunningPool;

  before(async () => {
    // A long flush window keeps handed-in results queued in the scheduler's SQLite for a while.
    world = await createPoolWorld({ workers: 2, capacity: 2, flushMs: 2_000 });
    pool = await world.launch();
  });
  after(async () => {
    await pool?.stop();
    await world?.stop();
  });

  const queued = () =>
    schedulerRows<{ task_id: string }>(world, "SELECT task_id FROM results WHERE state = 'queued'");

  /** Every task completed once on-chain and executed once by exactly one worker. */
  async function expectEachTaskOnce(taskIds: string[]): Promise<void> {
    const runs = executions(world, WORKERS);
    for (const t of taskIds) {
      expect(await world.completions(t), `TaskCompleted events of ${t}`).to.equal(1);
      expect(runs.get(t), `executions of ${t}`).to.equal(1);
    }
    const states = schedulerRows<{ task_id: string; state: string }>(
      world,
      `SELECT task_id, state FROM tasks WHERE task_id IN (${taskIds.map(() => "?").join(",")})`,
      ...taskIds,
    );
    expect(states).to.have.length(taskIds.length);
    expect(states.every((s) => s.state === "completed")).to.equal(true);
  }

  it("SIGKILL with results queued and a deal matched while it is down: no deal missed, no task run twice", async () => {
    const apiUrl = pool.scheduler.apiUrl;
    const a = await world.matchDeal({ volume: 8n, args: "--sleep 300" });
    await until(() => queued().length > 0, "a result queued in the scheduler", 60_000);
    await pool.kill("scheduler", "SIGKILL");
    const stranded = queued().map((r) => r.task_id);
    expect(stranded.length).to.be.greaterThan(0);

    // While it is down: a new deal, and workers finishing (or pushing themselves) what they hold.
    const b = await world.matchDeal({ volume: 4n });
    await new Promise((r) => setTimeout(r, 1_500));
    await pool.restart("scheduler");
    expect(pool.scheduler.apiUrl).to.equal(apiUrl); // result URLs on-chain stay valid

    await world.waitForTasks([...a.taskIds, ...b.taskIds], { timeoutMs: 60_000 });
    const deals = schedulerRows<{ deal_id: string }>(world, "SELECT deal_id FROM deals").map(
      (d) => d.deal_id,
    );
    expect(deals).to.include.members([a.dealId, b.dealId]);
    await until(() => queued().length === 0, "the queue to drain");
    await expectEachTaskOnce([...a.taskIds, ...b.taskIds]);
    expect(await world.fetchResult(stranded[0])).to.equal("ok --sleep 300");
    expect(await world.fetchResult(b.taskIds[0])).to.equal("ok ");
    await expectNothingLocked(world);
  });

  it("SIGTERM pushes the results already handed in before exiting; the restart finishes the rest", async () => {
    // 6 tasks on 4 slots: the first 4 are handed in while 2 are still running, so they wait.
    const c = await world.matchDeal({ volume: 6n, args: "--sleep 1500" });
    await until(() => queued().length > 0, "results waiting for their batch", 60_000);
    await pool.kill("scheduler", "SIGTERM");
    const lines = logLines(pool, "scheduler");
    const stopped = lines.findLastIndex((l) => l.msg === "scheduler stopped");
    expect(stopped).to.be.greaterThan(-1);
    expect(queued()).to.deep.equal([]);
    const pushed = schedulerRows<{ task_id: string }>(
      world,
      "SELECT task_id FROM results WHERE state = 'pushed'",
    ).map((r) => r.task_id);
    const early = c.taskIds.filter((t) => pushed.includes(t));
    expect(early.length).to.be.greaterThan(0);
    for (const t of early) expect(await world.status(t)).to.equal(3);

    await pool.restart("scheduler");
    await world.waitForTasks(c.taskIds, { timeoutMs: 60_000 });
    await expectEachTaskOnce(c.taskIds);
    await expectNothingLocked(world);
  });
});
