import { expect } from "chai";
import { Wallet, ZeroAddress, ZeroHash, id } from "ethers";
import { DEAL_FIELDS } from "../../src/core/deal.js";
import { Assigner } from "../../src/scheduler/assigner.js";
import { SchedulerStore } from "../../src/scheduler/store.js";
import type { WorkerInventory } from "../../src/pool/protocol.js";

/** A deal as the store keeps it (JSON strings), trust 1, far from its deadlines. */
function dealJson(botSize: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, type] of DEAL_FIELDS)
    out[name] = type === "address" ? ZeroAddress : type === "bytes32" ? ZeroHash : "0";
  return { ...out, trust: "1", timeRef: "3600", botSize: String(botSize), startTime: "1000" };
}

describe("Scheduler assigner", () => {
  const scheduler = Wallet.createRandom();
  const domain = { name: "test", version: "1", chainId: 1, verifyingContract: ZeroAddress };
  const workerA = "0x" + "aa".repeat(20);
  const workerB = "0x" + "bb".repeat(20);

  function storeWith(tasks: number, tee: boolean): SchedulerStore {
    const store = new SchedulerStore(":memory:");
    store.addDeal(
      { dealId: id("deal"), deal: dealJson(tasks), params: "{}", tee, trust: 1, block: 1 },
      Array.from({ length: tasks }, (_, i) => ({ taskId: id(`task-${i}`), index: i })),
      0,
    );
    return store;
  }
  const assigner = (store: SchedulerStore) =>
    new Assigner(store, scheduler, domain, { deadlineMarginSeconds: 60, liveWindowMs: 10_000 });
  const inventory = (capacity: number, tee = true): WorkerInventory => ({
    resourceClass: "cloud",
    cpus: 2,
    memoryMb: 2048,
    tee,
    location: "eu",
    capacity,
    version: "test",
  });

  it("finds a worker's next task past a page of tasks others are running, in task order", async () => {
    const store = storeWith(200, true);
    // Worker A takes 150 tasks; B then gets the next ones in order, not a page of A's.
    const taken = await assigner(store).assign(workerA, inventory(150), 150, 0n, 1);
    expect(taken.map((a) => a.index)).to.deep.equal(
      Array.from({ length: 150 }, (_, i) => String(i)),
    );
    const next = await assigner(store).assign(workerB, inventory(3), 3, 0n, 2);
    expect(next.map((a) => a.index)).to.deep.equal(["150", "151", "152"]);
    store.close();
  });

  it("gives nothing when every open task is taken, and never a TEE task to a non-TEE worker", async () => {
    const store = storeWith(70, true);
    await assigner(store).assign(workerA, inventory(70), 70, 0n, 1);
    expect(await assigner(store).assign(workerB, inventory(3), 3, 0n, 2)).to.deep.equal([]);
    const other = storeWith(5, true);
    expect(await assigner(other).assign(workerB, inventory(3, false), 3, 0n, 2)).to.deep.equal([]);
    store.close();
    other.close();
  });

  it("never hands one task to two workers asking at once (standard tasks are signed after the claim)", async () => {
    const store = storeWith(4, false);
    const [a, b] = await Promise.all([
      assigner(store).assign(workerA, inventory(4, false), 4, 0n, 1),
      assigner(store).assign(workerB, inventory(4, false), 4, 0n, 1),
    ]);
    const all = [...a, ...b].map((x) => x.taskId);
    expect(all).to.have.length(4);
    expect(new Set(all).size).to.equal(4);
    expect([...a, ...b].every((x) => typeof x.authorization === "string")).to.equal(true);
    store.close();
  });
});
