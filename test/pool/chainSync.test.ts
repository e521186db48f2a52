import { expect } from "chai";
import pino from "pino";
import { ChainSync } from "../../src/scheduler/chainSync.js";
import { SchedulerStore } from "../../src/scheduler/store.js";
import { marketFixture, networkHelpers } from "../helpers/fixture.js";
import { buildOrders, fastProof, match, signOrders } from "../helpers/market.js";
import { fixtureClient } from "../sms/helpers/harness.js";

describe("Scheduler: task status follows the chain's task events, with a periodic full sweep", function () {
  this.timeout(120_000);

  it("reads only the tasks an event names, every open task once per sweep, and all after a restart", async () => {
    const f = await marketFixture();
    const { dealId, deal } = await match(
      f,
      await signOrders(f, await buildOrders(f, f.assets, { volume: 4n })),
    );
    const client = await fixtureClient(f);
    // Count the status reads the sync makes (the real contract answers them).
    const read: string[] = [];
    const taskOf = client.taskManager.taskOf.bind(client.taskManager);
    const counted = {
      ...client,
      taskManager: new Proxy(client.taskManager, {
        get: (target, key, receiver) =>
          key === "taskOf"
            ? (id: string) => (read.push(id), taskOf(id))
            : Reflect.get(target, key, receiver),
      }),
    };
    const store = new SchedulerStore(":memory:");
    const init = {
      pool: f.assets.workerpool,
      scheduler: deal.scheduler,
      confirmations: 0,
      startBlock: 0,
    };
    const sync = new ChainSync(counted, store, init, pino({ level: "silent" }));
    let now = 1_000_000;
    expect(await sync.scanDeals(now)).to.deep.equal([dealId]);

    await sync.syncTasks(now);
    expect(read.length, "the first pass reads every open task").to.equal(4);
    read.length = 0;
    await sync.syncTasks((now += 1_000));
    expect(read, "nothing happened on-chain: nothing is read").to.deep.equal([]);

    // Task 2 completes outside the scheduler (its worker pushes it): the event names it.
    const p = await fastProof(f, dealId, deal, 2n, f.actors.worker1.address);
    await f.taskManager
      .connect(f.actors.worker1)
      .pushResult(dealId, deal, p.result, p.authorization);
    await networkHelpers.mine(1);
    const { completed } = await sync.syncTasks((now += 1_000));
    expect(read).to.deep.equal([p.taskId]);
    expect(completed).to.deep.equal([p.taskId]);
    expect(store.task(p.taskId)!.state).to.equal("completed");

    // Every 30 s all open tasks are read again (an event lost to a reorg is caught there).
    read.length = 0;
    await sync.syncTasks((now += 30_000));
    expect(read.length).to.equal(3);

    // A restarted scheduler (a new ChainSync on the same store) reads every open task first.
    read.length = 0;
    const restarted = new ChainSync(counted, store, init, pino({ level: "silent" }));
    await restarted.syncTasks((now += 1_000));
    expect(read.length).to.equal(3);
    store.close();
  });
});
