import { expect } from "chai";
import { taskIds } from "../../src/core/index.js";
import { deployFixture, fund, ONE } from "../helpers/fixture.js";
import { buildOrders, createAssets, match, signOrders } from "../helpers/market.js";
import { deterministicExecutor, fundedWallet, startPool, waitFor } from "./harness.js";

describe("Worker pool (standard tasks)", function () {
  this.timeout(120_000);

  async function setup(opts: { volume: bigint; trust: bigint }) {
    const f = await deployFixture();
    const assets = await createAssets(f);
    const schedulerWallet = await fundedWallet();
    await (
      await f.workerpoolRegistry
        .connect(f.actors.poolOwner)
        .setScheduler(assets.workerpool, schedulerWallet.address)
    ).wait();
    await fund(f, f.actors.requester, 1_000n * ONE);
    await fund(f, f.actors.poolOwner, 1_000n * ONE);
    const set = await signOrders(f, await buildOrders(f, assets, { ...opts, tee: false }));
    return { f, assets, schedulerWallet, set };
  }

  it("completes a trust-1 deal of 6 tasks through batched fast results", async () => {
    const { f, assets, schedulerWallet, set } = await setup({ volume: 6n, trust: 1n });
    const pool = await startPool(f, assets.workerpool, schedulerWallet, [
      deterministicExecutor(),
      deterministicExecutor(),
    ]);
    try {
      const { dealId, deal } = await match(f, set);
      const ids = taskIds(deal, dealId);
      await waitFor(
        async () => {
          const s = await Promise.all(ids.map((t) => f.taskManager.taskOf(t)));
          return s.every((v) => v.status === 3n);
        },
        60_000,
        "all tasks completed",
      );
      const paid = await Promise.all(pool.workerWallets.map((w) => f.hub.accountOf(w.address)));
      expect(paid.reduce((s, [stake]) => s + stake, 0n)).to.equal(6n * 4n * ONE);
    } finally {
      await pool.stop();
    }
  });

  it("settles a trust-3 task despite a liar: the liar is seized and loses score, honest workers are paid", async () => {
    const { f, assets, schedulerWallet, set } = await setup({ volume: 1n, trust: 3n });
    const liar = deterministicExecutor(() => "a different, wrong result");
    // With the liar's weight in the total, trust 3 needs three agreeing fresh workers.
    const pool = await startPool(f, assets.workerpool, schedulerWallet, [
      liar,
      deterministicExecutor(),
      deterministicExecutor(),
      deterministicExecutor(),
    ]);
    for (const w of pool.workerWallets) {
      await (await f.token.faucet(w.address, 100n * ONE)).wait();
      await (
        await f.token
          .connect(w)
          ["transferAndCall(address,uint256)"](await f.hub.getAddress(), 100n * ONE)
      ).wait();
    }
    try {
      const { dealId, deal } = await match(f, set);
      const [tid] = taskIds(deal, dealId);
      await waitFor(
        async () => (await f.taskManager.taskOf(tid)).status === 3n,
        60_000,
        "task completed",
      );
      const contributors = await f.taskManager.contributorsOf(tid);
      expect(contributors).to.have.length(4);
      const [liarWallet, ...honest] = pool.workerWallets;
      const workerStake = deal.workerStake;
      const [liarStake, liarLocked] = await f.hub.accountOf(liarWallet.address);
      expect(liarStake + liarLocked).to.equal(100n * ONE - workerStake);
      expect(await f.taskManager.workerScore(liarWallet.address)).to.equal(0n);
      for (const w of honest) {
        const [stake, locked] = await f.hub.accountOf(w.address);
        expect(locked).to.equal(0n);
        expect(stake).to.be.greaterThan(100n * ONE);
        expect(await f.taskManager.workerScore(w.address)).to.equal(1n);
      }
    } finally {
      await pool.stop();
    }
  });
});
