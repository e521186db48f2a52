import { expect } from "chai";
import { finalDeadline, taskId as computeTaskId } from "../../src/core/index.js";
import type { Deal } from "../../src/core/index.js";
import { ONE, fund, marketFixture, networkHelpers } from "../helpers/fixture.js";
import type { MarketFixture } from "../helpers/fixture.js";
import { balancesOf, expectConserved } from "../helpers/escrow.js";
import { buildOrders, fastProof, match, matchArgs, signOrders } from "../helpers/market.js";
import type { OrderOptions } from "../helpers/market.js";
import { TaskStatus, contribute, digestOf } from "../helpers/tasks.js";

const POOL_STAKE = (5n * ONE * 30n) / 100n;
const WORKER_STAKE = POOL_STAKE;
const TRUE = digestOf("result");

async function deal(f: MarketFixture, o: OrderOptions = {}) {
  return match(f, await signOrders(f, await buildOrders(f, f.assets, o)));
}

interface ClaimFixture extends MarketFixture {
  dealId: string;
  deal: Deal;
}

/** A trust-3 deal of 4 tasks: task 0 has two agreeing votes (Revealing), task 1 one vote (Active),
 * task 2 nothing, task 3 completed by the replicated path. */
async function claimFixture(): Promise<ClaimFixture> {
  const f = await marketFixture();
  const { dealId, deal: d } = await deal(f, { trust: 3n, tee: false, volume: 4n });
  const { worker1, worker2, worker3 } = f.actors;
  await contribute(f, dealId, d, 0n, worker1, TRUE);
  await contribute(f, dealId, d, 0n, worker2, TRUE);
  await contribute(f, dealId, d, 1n, worker3, TRUE);
  await contribute(f, dealId, d, 3n, worker1, TRUE);
  await contribute(f, dealId, d, 3n, worker2, TRUE);
  const t3 = computeTaskId(dealId, 3n);
  await f.taskManager.connect(worker1).reveal(t3, TRUE);
  await f.taskManager.connect(worker2).reveal(t3, TRUE);
  await f.taskManager.connect(f.actors.poolOwner).finalize(dealId, d, 3n, "0x", "0x");
  return { ...f, dealId, deal: d };
}

describe("TaskManager (claims)", () => {
  describe("claim", () => {
    it("reverts with TaskFinalDeadlineNotReached one second before the final deadline", async () => {
      const f = await networkHelpers.loadFixture(claimFixture);
      const deadline = finalDeadline(f.deal);
      await networkHelpers.time.setNextBlockTimestamp(deadline - 1n);
      await expect(f.taskManager.claim(f.dealId, f.deal, 2n))
        .to.be.revertedWithCustomError(f.taskManager, "TaskFinalDeadlineNotReached")
        .withArgs(computeTaskId(f.dealId, 2n), deadline);
    });

    it("fails an untouched task at the final deadline: refunds the sponsor and fills the kitty", async () => {
      const f = await networkHelpers.loadFixture(claimFixture);
      const { requester, poolOwner, stranger } = f.actors;
      const tid = computeTaskId(f.dealId, 2n);
      const before = await balancesOf(f, [requester.address, poolOwner.address]);
      await networkHelpers.time.setNextBlockTimestamp(finalDeadline(f.deal));
      const tx = f.taskManager.connect(stranger).claim(f.dealId, f.deal, 2n);
      await expect(tx).to.emit(f.taskManager, "TaskFailed").withArgs(tid, f.dealId, 2n);
      await expect(tx)
        .to.emit(f.hub, "Unlocked")
        .withArgs(requester.address, 10n * ONE, tid);
      await expect(tx).to.emit(f.hub, "Seized").withArgs(poolOwner.address, POOL_STAKE, tid);
      await expect(tx).to.emit(f.hub, "KittyFilled").withArgs(POOL_STAKE, tid);
      const after = await balancesOf(f, [requester.address, poolOwner.address]);
      expect(after[requester.address]).to.deep.equal({
        stake: before[requester.address].stake + 10n * ONE,
        locked: before[requester.address].locked - 10n * ONE,
      });
      expect(after[poolOwner.address]).to.deep.equal({
        stake: before[poolOwner.address].stake,
        locked: before[poolOwner.address].locked - POOL_STAKE,
      });
      expect(await f.hub.kitty()).to.equal(POOL_STAKE);
      expect((await f.taskManager.taskOf(tid)).status).to.equal(TaskStatus.Failed);
      await expectConserved(f);
    });

    it("unlocks the stake of an active task's contributor", async () => {
      const f = await networkHelpers.loadFixture(claimFixture);
      const tid = computeTaskId(f.dealId, 1n);
      await networkHelpers.time.increaseTo(finalDeadline(f.deal));
      const tx = f.taskManager.claim(f.dealId, f.deal, 1n);
      await expect(tx)
        .to.emit(f.hub, "Unlocked")
        .withArgs(f.actors.worker3.address, WORKER_STAKE, tid);
      expect(await f.hub.accountOf(f.actors.worker3.address)).to.deep.equal([100n * ONE, 0n]);
    });

    it("unlocks every contributor of a task stuck in reveal, seizing no worker", async () => {
      const f = await networkHelpers.loadFixture(claimFixture);
      const tid = computeTaskId(f.dealId, 0n);
      expect((await f.taskManager.taskOf(tid)).status).to.equal(TaskStatus.Revealing);
      await networkHelpers.time.increaseTo(finalDeadline(f.deal));
      const tx = f.taskManager.claim(f.dealId, f.deal, 0n);
      for (const w of [f.actors.worker1, f.actors.worker2]) {
        await expect(tx).to.emit(f.hub, "Unlocked").withArgs(w.address, WORKER_STAKE, tid);
      }
      await expect(tx)
        .to.emit(f.hub, "Seized")
        .withArgs(f.actors.poolOwner.address, POOL_STAKE, tid);
      await expectConserved(f);
    });

    it("reverts with TaskStatusInvalid for a completed task", async () => {
      const f = await networkHelpers.loadFixture(claimFixture);
      await networkHelpers.time.increaseTo(finalDeadline(f.deal));
      await expect(f.taskManager.claim(f.dealId, f.deal, 3n))
        .to.be.revertedWithCustomError(f.taskManager, "TaskStatusInvalid")
        .withArgs(computeTaskId(f.dealId, 3n), TaskStatus.Completed);
    });

    it("reverts with TaskStatusInvalid when claimed twice, refunding once", async () => {
      const f = await networkHelpers.loadFixture(claimFixture);
      await networkHelpers.time.increaseTo(finalDeadline(f.deal));
      await f.taskManager.claim(f.dealId, f.deal, 2n);
      const before = await balancesOf(f, [f.actors.requester.address]);
      await expect(f.taskManager.claim(f.dealId, f.deal, 2n))
        .to.be.revertedWithCustomError(f.taskManager, "TaskStatusInvalid")
        .withArgs(computeTaskId(f.dealId, 2n), TaskStatus.Failed);
      expect(await balancesOf(f, [f.actors.requester.address])).to.deep.equal(before);
      expect(await f.hub.kitty()).to.equal(POOL_STAKE);
    });

    it("reverts with DealUnknown for a forged deal", async () => {
      const f = await networkHelpers.loadFixture(claimFixture);
      await networkHelpers.time.increaseTo(finalDeadline(f.deal));
      await expect(f.taskManager.claim(f.dealId, { ...f.deal, appPrice: 100n * ONE }, 2n))
        .to.be.revertedWithCustomError(f.taskManager, "DealUnknown")
        .withArgs(f.dealId);
    });

    it("fails a free deal's task without moving any funds", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const { dealId, deal: d } = await deal(f, {
        appPrice: 0n,
        datasetPrice: 0n,
        workerpoolPrice: 0n,
      });
      await networkHelpers.time.increaseTo(finalDeadline(d));
      const tx = f.taskManager.claim(dealId, d, 0n);
      await expect(tx)
        .to.emit(f.taskManager, "TaskFailed")
        .withArgs(computeTaskId(dealId, 0n), dealId, 0n);
      await expect(tx).not.to.emit(f.hub, "Unlocked");
      await expect(tx).not.to.emit(f.hub, "KittyFilled");
      await expectConserved(f);
    });

    it("refunds the sponsor of a sponsored deal", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const { stranger, requester } = f.actors;
      await fund(f, stranger, 100n * ONE);
      const set = await signOrders(f, await buildOrders(f, f.assets));
      const { dealFromReceipt } = await import("../helpers/market.js");
      const tx = await f.hub.connect(stranger).sponsorMatchOrders(...matchArgs(set));
      const receipt = (await tx.wait())!;
      const { dealId, deal: d } = dealFromReceipt(f, receipt);
      await networkHelpers.time.increaseTo(finalDeadline(d));
      await f.taskManager.claim(dealId, d, 0n);
      expect(await f.hub.accountOf(stranger.address)).to.deep.equal([100n * ONE, 0n]);
      expect(await f.hub.accountOf(requester.address)).to.deep.equal([1_000n * ONE, 0n]);
    });
  });

  describe("claimBatch", () => {
    it("fails several tasks at once", async () => {
      const f = await networkHelpers.loadFixture(claimFixture);
      await networkHelpers.time.increaseTo(finalDeadline(f.deal));
      const tx = f.taskManager.claimBatch(f.dealId, f.deal, [0n, 1n, 2n]);
      for (const i of [0n, 1n, 2n]) {
        await expect(tx)
          .to.emit(f.taskManager, "TaskFailed")
          .withArgs(computeTaskId(f.dealId, i), f.dealId, i);
      }
      expect(await f.hub.kitty()).to.equal(3n * POOL_STAKE);
      expect(await f.hub.accountOf(f.actors.requester.address)).to.deep.equal([
        1_000n * ONE - 10n * ONE,
        0n,
      ]);
      for (const w of [f.actors.worker1, f.actors.worker2]) {
        expect((await f.hub.accountOf(w.address))[1]).to.equal(0n);
      }
      await expectConserved(f);
    });

    it("reverts with TaskBatchInvalid for an empty batch or one larger than the deal", async () => {
      const f = await networkHelpers.loadFixture(claimFixture);
      await networkHelpers.time.increaseTo(finalDeadline(f.deal));
      await expect(f.taskManager.claimBatch(f.dealId, f.deal, []))
        .to.be.revertedWithCustomError(f.taskManager, "TaskBatchInvalid")
        .withArgs(0n);
      await expect(f.taskManager.claimBatch(f.dealId, f.deal, [0n, 1n, 2n, 3n, 0n]))
        .to.be.revertedWithCustomError(f.taskManager, "TaskBatchInvalid")
        .withArgs(5n);
    });

    it("reverts with TaskStatusInvalid when a batch repeats a task", async () => {
      const f = await networkHelpers.loadFixture(claimFixture);
      await networkHelpers.time.increaseTo(finalDeadline(f.deal));
      await expect(f.taskManager.claimBatch(f.dealId, f.deal, [2n, 2n]))
        .to.be.revertedWithCustomError(f.taskManager, "TaskStatusInvalid")
        .withArgs(computeTaskId(f.dealId, 2n), TaskStatus.Failed);
      expect(await f.hub.kitty()).to.equal(0n);
    });

    it("reverts with TaskIndexOutOfRange for an index outside the deal", async () => {
      const f = await networkHelpers.loadFixture(claimFixture);
      await networkHelpers.time.increaseTo(finalDeadline(f.deal));
      await expect(f.taskManager.claimBatch(f.dealId, f.deal, [2n, 7n]))
        .to.be.revertedWithCustomError(f.taskManager, "TaskIndexOutOfRange")
        .withArgs(7n, 0n, 4n);
    });

    it("reverts with TaskFinalDeadlineNotReached before the final deadline", async () => {
      const f = await networkHelpers.loadFixture(claimFixture);
      await expect(f.taskManager.claimBatch(f.dealId, f.deal, [2n]))
        .to.be.revertedWithCustomError(f.taskManager, "TaskFinalDeadlineNotReached")
        .withArgs(computeTaskId(f.dealId, 2n), finalDeadline(f.deal));
    });

    it("reverts with DealUnknown for a forged deal", async () => {
      const f = await networkHelpers.loadFixture(claimFixture);
      await expect(
        f.taskManager.claimBatch(f.dealId, { ...f.deal, sponsor: f.actors.stranger.address }, [2n]),
      )
        .to.be.revertedWithCustomError(f.taskManager, "DealUnknown")
        .withArgs(f.dealId);
    });

    it("fails the rest of a fast-path deal after some tasks completed", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const { dealId, deal: d } = await deal(f, { volume: 3n });
      const p = await fastProof(f, dealId, d, 1n, f.actors.worker1.address);
      await f.taskManager
        .connect(f.actors.worker1)
        .pushResult(dealId, d, p.result, p.authorization);
      await networkHelpers.time.increaseTo(finalDeadline(d));
      await f.taskManager.claimBatch(dealId, d, [0n, 2n]);
      expect(await f.hub.accountOf(f.actors.requester.address)).to.deep.equal([
        1_000n * ONE - 10n * ONE,
        0n,
      ]);
      expect((await f.hub.accountOf(f.actors.poolOwner.address))[1]).to.equal(0n);
      await expectConserved(f);
    });
  });
});
