import { expect } from "chai";
import { ZeroHash, keccak256, toBeHex, toUtf8Bytes } from "ethers";
import { dealHash, finalDeadline, taskId as computeTaskId } from "../../src/core/index.js";
import type { Deal } from "../../src/core/index.js";
import { ethers, marketFixture, networkHelpers } from "../helpers/fixture.js";
import type { MarketFixture } from "../helpers/fixture.js";
import { balancesOf, expectConserved } from "../helpers/escrow.js";
import { buildOrders, fastProof, match, signOrders } from "../helpers/market.js";
import { TaskStatus, contribute, digestOf } from "../helpers/tasks.js";

/** A deal's record: its digest with bit 0 = "first task final" (see DealHashing). */
const final = (d: Deal) => toBeHex(BigInt(dealHash(d)) | 1n, 32);

/** One request of volume 2 matched in two deals of one task each (pool orders of volume 1). */
async function twoDealsFixture() {
  const f = await marketFixture();
  const base = await buildOrders(f, f.assets, { volume: 2n });
  const poolOrder = (salt: string) => ({
    ...base.workerpoolOrder,
    volume: 1n,
    salt: keccak256(toUtf8Bytes(salt)),
  });
  const first = await match(f, await signOrders(f, { ...base, workerpoolOrder: poolOrder("a") }));
  const second = await match(f, await signOrders(f, { ...base, workerpoolOrder: poolOrder("b") }));
  return { ...f, first, second };
}

async function push(f: MarketFixture, dealId: string, deal: Deal, index: bigint, worker: string) {
  const p = await fastProof(f, dealId, deal, index, worker);
  const tx = f.taskManager.connect(f.actors.poolOwner).pushResult(dealId, deal, p.result, "0x");
  return { p, tx };
}

describe("Deal records: the first task's outcome in its deal's slot", () => {
  it("stores each deal under its first task's id, and completing that task sets the bit", async () => {
    const f = await networkHelpers.loadFixture(twoDealsFixture);
    const { first, second } = f;
    expect(second.deal.botFirst).to.equal(1n);
    for (const d of [first, second]) {
      const firstTask = computeTaskId(d.dealId, d.deal.botFirst);
      expect(await f.hub.dealRecord(firstTask)).to.equal(dealHash(d.deal));
      expect(await f.hub.dealHash(d.dealId, d.deal.botFirst)).to.equal(dealHash(d.deal));
      expect(await f.hub.dealRecord(d.dealId)).to.equal(ZeroHash);
    }

    const { p, tx } = await push(f, second.dealId, second.deal, 1n, f.actors.worker1.address);
    await (await tx).wait();
    expect(await f.hub.dealRecord(p.taskId)).to.equal(final(second.deal));
    // The digest a client checks is unchanged; the view merges the bit into the task's status.
    expect(await f.hub.dealHash(second.dealId, 1n)).to.equal(dealHash(second.deal));
    expect((await f.taskManager.taskOf(p.taskId)).status).to.equal(TaskStatus.Completed);
    // The other deal's record is untouched.
    const other = computeTaskId(first.dealId, 0n);
    expect(await f.hub.dealRecord(other)).to.equal(dealHash(first.deal));
    expect((await f.taskManager.taskOf(other)).status).to.equal(TaskStatus.Unset);
  });

  it("refuses the first task twice, and a claim after it, moving no funds", async () => {
    const f = await networkHelpers.loadFixture(twoDealsFixture);
    const { dealId, deal } = f.first;
    const { p, tx } = await push(f, dealId, deal, 0n, f.actors.worker1.address);
    await (await tx).wait();
    const parties = [f.actors.requester, f.actors.poolOwner, f.actors.worker1].map(
      (a) => a.address,
    );
    const before = await balancesOf(f, parties);
    await expect((await push(f, dealId, deal, 0n, f.actors.worker2.address)).tx)
      .to.be.revertedWithCustomError(f.taskManager, "TaskStatusInvalid")
      .withArgs(p.taskId, TaskStatus.Completed);
    await networkHelpers.time.increaseTo(finalDeadline(deal));
    await expect(f.taskManager.claim(dealId, deal, 0n))
      .to.be.revertedWithCustomError(f.taskManager, "TaskStatusInvalid")
      .withArgs(p.taskId, TaskStatus.Completed);
    expect(await balancesOf(f, parties)).to.deep.equal(before);
    await expectConserved(f);
  });

  it("records a claim of the first task: Failed in its slot, final in the record", async () => {
    const f = await networkHelpers.loadFixture(twoDealsFixture);
    const { dealId, deal } = f.first;
    const firstTask = computeTaskId(dealId, 0n);
    await networkHelpers.time.increaseTo(finalDeadline(deal));
    await f.taskManager.claim(dealId, deal, 0n);
    expect(await f.hub.dealRecord(firstTask)).to.equal(final(deal));
    expect((await f.taskManager.taskOf(firstTask)).status).to.equal(TaskStatus.Failed);
    await expect(f.taskManager.claim(dealId, deal, 0n))
      .to.be.revertedWithCustomError(f.taskManager, "TaskStatusInvalid")
      .withArgs(firstTask, TaskStatus.Failed);
    await expect((await push(f, dealId, deal, 0n, f.actors.worker1.address)).tx)
      .to.be.revertedWithCustomError(f.taskManager, "TaskStatusInvalid")
      .withArgs(firstTask, TaskStatus.Failed);
    await expectConserved(f);
  });

  it("leaves the record of a replicated deal alone: its tasks keep their own slots", async () => {
    const f = await networkHelpers.loadFixture(marketFixture);
    const { dealId, deal } = await match(
      f,
      await signOrders(f, await buildOrders(f, f.assets, { trust: 3n, tee: false })),
    );
    const firstTask = computeTaskId(dealId, 0n);
    await contribute(f, dealId, deal, 0n, f.actors.worker1, digestOf("r"));
    expect((await f.taskManager.taskOf(firstTask)).status).to.equal(TaskStatus.Active);
    await networkHelpers.time.increaseTo(finalDeadline(deal));
    await f.taskManager.claim(dealId, deal, 0n);
    expect(await f.hub.dealRecord(firstTask)).to.equal(dealHash(deal));
    expect((await f.taskManager.taskOf(firstTask)).status).to.equal(TaskStatus.Failed);
  });

  describe("markFirstTaskFinal", () => {
    it("reverts with DealUnauthorized for anyone but the task manager", async () => {
      const f = await networkHelpers.loadFixture(twoDealsFixture);
      const firstTask = computeTaskId(f.first.dealId, 0n);
      for (const caller of [f.actors.requester, f.actors.poolOwner, f.actors.governance]) {
        await expect(f.hub.connect(caller).markFirstTaskFinal(firstTask))
          .to.be.revertedWithCustomError(f.hub, "DealUnauthorized")
          .withArgs(caller.address);
      }
      expect(await f.hub.dealRecord(firstTask)).to.equal(dealHash(f.first.deal));
    });

    it("reverts with DealFirstTaskNotOpen for an unknown deal or a task already final", async () => {
      const f = await networkHelpers.loadFixture(twoDealsFixture);
      const manager = await f.taskManager.getAddress();
      await networkHelpers.impersonateAccount(manager);
      await networkHelpers.setBalance(manager, 10n ** 18n);
      const asManager = f.hub.connect(await ethers.getSigner(manager));
      const firstTask = computeTaskId(f.first.dealId, 0n);
      for (const unknown of [ZeroHash, f.first.dealId, computeTaskId(f.first.dealId, 1n)]) {
        await expect(asManager.markFirstTaskFinal(unknown))
          .to.be.revertedWithCustomError(f.hub, "DealFirstTaskNotOpen")
          .withArgs(unknown);
      }
      await (await asManager.markFirstTaskFinal(firstTask)).wait();
      await expect(asManager.markFirstTaskFinal(firstTask))
        .to.be.revertedWithCustomError(f.hub, "DealFirstTaskNotOpen")
        .withArgs(firstTask);
      expect(await f.hub.dealRecord(firstTask)).to.equal(final(f.first.deal));
      await networkHelpers.stopImpersonatingAccount(manager);
    });
  });
});
