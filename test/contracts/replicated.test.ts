import { expect } from "chai";
import { Wallet, ZeroAddress, ZeroHash, keccak256 } from "ethers";
import {
  REVEAL_DEADLINE_RATIO,
  contributionDeadline,
  finalDeadline,
  resultHash,
  signWorkerAuthorization,
  taskId as computeTaskId,
} from "../../src/core/index.js";
import type { Deal } from "../../src/core/index.js";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { CallbackRecorder__factory } from "../../types/index.js";
import { ONE, ethers, fund, marketFixture, networkHelpers } from "../helpers/fixture.js";
import type { MarketFixture } from "../helpers/fixture.js";
import { balancesOf, expectConserved } from "../helpers/escrow.js";
import { buildOrders, match, signOrders } from "../helpers/market.js";
import type { OrderOptions } from "../helpers/market.js";
import {
  ContributionStatus,
  TaskStatus,
  contribute,
  contribution,
  digestOf,
} from "../helpers/tasks.js";

const WORKER_STAKE = (5n * ONE * 30n) / 100n;
const TRUE = digestOf("the true result");
const LIE = digestOf("a lie");

async function deal(f: MarketFixture, o: OrderOptions = {}) {
  return match(
    f,
    await signOrders(f, await buildOrders(f, f.assets, { trust: 3n, tee: false, ...o })),
  );
}

interface ReplicatedFixture extends MarketFixture {
  dealId: string;
  deal: Deal;
  /** Task 0 of the deal. */
  taskId: string;
}

/** A trust-3, non-TEE deal of 4 tasks. */
async function replicatedFixture(): Promise<ReplicatedFixture> {
  const f = await marketFixture();
  const created = await deal(f, { volume: 4n });
  return { ...f, ...created, taskId: computeTaskId(created.dealId, 0n) };
}

/** Task 0 with two agreeing fresh workers: consensus reached, nobody revealed yet. */
async function consensusFixture() {
  const f = await replicatedFixture();
  await contribute(f, f.dealId, f.deal, 0n, f.actors.worker1, TRUE);
  await contribute(f, f.dealId, f.deal, 0n, f.actors.worker2, TRUE);
  const task = await f.taskManager.taskOf(f.taskId);
  return { ...f, revealDeadline: task.revealDeadline };
}

function finalizeBy(
  f: ReplicatedFixture,
  sender: HardhatEthersSigner,
  index = 0n,
  results = "0x",
  data = "0x",
) {
  return f.taskManager.connect(sender).finalize(f.dealId, f.deal, index, results, data);
}

describe("TaskManager (replicated path)", () => {
  describe("initialize", () => {
    it("activates a task once, for anyone", async () => {
      const f = await networkHelpers.loadFixture(replicatedFixture);
      const tm = f.taskManager.connect(f.actors.stranger);
      expect(await tm.initialize.staticCall(f.dealId, f.deal, 2n)).to.equal(
        computeTaskId(f.dealId, 2n),
      );
      await expect(tm.initialize(f.dealId, f.deal, 2n))
        .to.emit(f.taskManager, "TaskInitialized")
        .withArgs(computeTaskId(f.dealId, 2n), f.dealId, 2n);
      expect((await f.taskManager.taskOf(computeTaskId(f.dealId, 2n))).status).to.equal(
        TaskStatus.Active,
      );
    });

    it("reverts with TaskStatusInvalid when run twice", async () => {
      const f = await networkHelpers.loadFixture(replicatedFixture);
      await f.taskManager.initialize(f.dealId, f.deal, 0n);
      await expect(f.taskManager.initialize(f.dealId, f.deal, 0n))
        .to.be.revertedWithCustomError(f.taskManager, "TaskStatusInvalid")
        .withArgs(f.taskId, TaskStatus.Active);
    });

    it("reverts with TaskIndexOutOfRange outside the bag of tasks", async () => {
      const f = await networkHelpers.loadFixture(replicatedFixture);
      for (const index of [4n, 2n ** 255n]) {
        await expect(f.taskManager.initialize(f.dealId, f.deal, index))
          .to.be.revertedWithCustomError(f.taskManager, "TaskIndexOutOfRange")
          .withArgs(index, 0n, 4n);
      }
    });

    it("reverts with TaskIndexOutOfRange below botFirst for a later deal of the same request", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const base = await buildOrders(f, f.assets, { trust: 3n, tee: false, volume: 4n });
      const first = await signOrders(f, {
        ...base,
        workerpoolOrder: { ...base.workerpoolOrder, volume: 2n },
      });
      await match(f, first);
      const rest = await signOrders(f, base);
      const { dealId, deal: second } = await match(f, rest);
      expect([second.botFirst, second.botSize]).to.deep.equal([2n, 2n]);
      await expect(f.taskManager.initialize(dealId, second, 1n))
        .to.be.revertedWithCustomError(f.taskManager, "TaskIndexOutOfRange")
        .withArgs(1n, 2n, 2n);
      await f.taskManager.initialize(dealId, second, 3n);
    });

    it("reverts with DealUnknown for a forged deal", async () => {
      const f = await networkHelpers.loadFixture(replicatedFixture);
      await expect(f.taskManager.initialize(f.dealId, { ...f.deal, botSize: 10n }, 5n))
        .to.be.revertedWithCustomError(f.taskManager, "DealUnknown")
        .withArgs(f.dealId);
    });
  });

  describe("contribute", () => {
    it("records a vote, locks the worker stake and activates the task lazily", async () => {
      const f = await networkHelpers.loadFixture(replicatedFixture);
      const { worker1 } = f.actors;
      const c = await contribution(f, f.dealId, f.deal, 0n, worker1.address, TRUE);
      const tx = f.taskManager
        .connect(worker1)
        .contribute(f.dealId, f.deal, 0n, c.input, c.authorization);
      await expect(tx).to.emit(f.taskManager, "TaskInitialized").withArgs(f.taskId, f.dealId, 0n);
      await expect(tx)
        .to.emit(f.taskManager, "TaskContributed")
        .withArgs(f.taskId, worker1.address, c.input.resultHash, ZeroAddress, ZeroHash);
      await expect(tx).to.emit(f.hub, "Locked").withArgs(worker1.address, WORKER_STAKE, f.taskId);
      await expect(tx).not.to.emit(f.taskManager, "TaskConsensusReached");
      const view = await f.taskManager.contributionOf(f.taskId, worker1.address);
      expect([
        view.status,
        view.weightLog,
        view.enclave,
        view.resultHash,
        view.resultSeal,
      ]).to.deep.equal([
        BigInt(ContributionStatus.Contributed),
        1n,
        ZeroAddress,
        c.input.resultHash,
        c.input.resultSeal,
      ]);
      expect(await f.taskManager.contributorsOf(f.taskId)).to.deep.equal([worker1.address]);
      expect(await f.hub.accountOf(worker1.address)).to.deep.equal([
        100n * ONE - WORKER_STAKE,
        WORKER_STAKE,
      ]);
      const task = await f.taskManager.taskOf(f.taskId);
      expect([task.status, task.contributorCount]).to.deep.equal([BigInt(TaskStatus.Active), 1n]);
    });

    it("reaches consensus at trust 3 with two agreeing fresh workers", async () => {
      const f = await networkHelpers.loadFixture(replicatedFixture);
      await contribute(f, f.dealId, f.deal, 0n, f.actors.worker1, TRUE);
      const c = await contribution(f, f.dealId, f.deal, 0n, f.actors.worker2.address, TRUE);
      const tx = await f.taskManager
        .connect(f.actors.worker2)
        .contribute(f.dealId, f.deal, 0n, c.input, c.authorization);
      const block = await ethers.provider.getBlock((await tx.wait())!.blockNumber);
      const revealDeadline = BigInt(block!.timestamp) + f.deal.timeRef * REVEAL_DEADLINE_RATIO;
      await expect(tx)
        .to.emit(f.taskManager, "TaskConsensusReached")
        .withArgs(f.taskId, resultHash(f.taskId, TRUE), revealDeadline);
      const task = await f.taskManager.taskOf(f.taskId);
      expect(task.status).to.equal(TaskStatus.Revealing);
      expect(task.winnerCount).to.equal(2n);
      expect(task.revealCount).to.equal(0n);
      expect(task.consensusHash).to.equal(resultHash(f.taskId, TRUE));
      expect(task.revealDeadline).to.equal(revealDeadline);
    });

    it("does not reach consensus on two disagreeing workers", async () => {
      const f = await networkHelpers.loadFixture(replicatedFixture);
      await contribute(f, f.dealId, f.deal, 0n, f.actors.worker1, TRUE);
      await contribute(f, f.dealId, f.deal, 0n, f.actors.worker2, LIE);
      expect((await f.taskManager.taskOf(f.taskId)).status).to.equal(TaskStatus.Active);
    });

    it("reaches consensus at trust 2 with a single fresh worker", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const { dealId, deal: d } = await deal(f, { trust: 2n });
      await contribute(f, dealId, d, 0n, f.actors.worker1, TRUE);
      expect((await f.taskManager.taskOf(computeTaskId(dealId, 0n))).status).to.equal(
        TaskStatus.Revealing,
      );
    });

    it("reverts with TaskAuthorizationInvalid without the scheduler's authorization", async () => {
      const f = await networkHelpers.loadFixture(replicatedFixture);
      const { worker1, poolOwner } = f.actors;
      const c = await contribution(f, f.dealId, f.deal, 0n, worker1.address, TRUE);
      const tm = f.taskManager.connect(worker1);
      await expect(tm.contribute(f.dealId, f.deal, 0n, c.input, "0x"))
        .to.be.revertedWithCustomError(f.taskManager, "TaskAuthorizationInvalid")
        .withArgs(f.taskId, worker1.address, poolOwner.address);
      const selfSigned = await signWorkerAuthorization(worker1, f.taskDomain, {
        worker: worker1.address,
        taskId: f.taskId,
        enclave: ZeroAddress,
      });
      await expect(tm.contribute(f.dealId, f.deal, 0n, c.input, selfSigned))
        .to.be.revertedWithCustomError(f.taskManager, "TaskAuthorizationInvalid")
        .withArgs(f.taskId, worker1.address, poolOwner.address);
      expect((await f.taskManager.taskOf(f.taskId)).status).to.equal(TaskStatus.Unset);
      expect(await f.hub.accountOf(worker1.address)).to.deep.equal([100n * ONE, 0n]);
    });

    it("reverts with TaskAuthorizationInvalid when a worker uses another worker's authorization", async () => {
      const f = await networkHelpers.loadFixture(replicatedFixture);
      const { worker1, worker3, poolOwner } = f.actors;
      const stolen = await contribution(f, f.dealId, f.deal, 0n, worker1.address, TRUE);
      const own = await contribution(f, f.dealId, f.deal, 0n, worker3.address, TRUE);
      await expect(
        f.taskManager
          .connect(worker3)
          .contribute(f.dealId, f.deal, 0n, own.input, stolen.authorization),
      )
        .to.be.revertedWithCustomError(f.taskManager, "TaskAuthorizationInvalid")
        .withArgs(f.taskId, worker3.address, poolOwner.address);
    });

    it("reverts with TaskAuthorizationInvalid for an authorization of another task", async () => {
      const f = await networkHelpers.loadFixture(replicatedFixture);
      const { worker1, poolOwner } = f.actors;
      const forTask1 = await contribution(f, f.dealId, f.deal, 1n, worker1.address, TRUE);
      const c = await contribution(f, f.dealId, f.deal, 0n, worker1.address, TRUE);
      await expect(
        f.taskManager
          .connect(worker1)
          .contribute(f.dealId, f.deal, 0n, c.input, forTask1.authorization),
      )
        .to.be.revertedWithCustomError(f.taskManager, "TaskAuthorizationInvalid")
        .withArgs(f.taskId, worker1.address, poolOwner.address);
    });

    it("reverts with TaskAlreadyContributed on a second contribution", async () => {
      const f = await networkHelpers.loadFixture(replicatedFixture);
      const { worker1 } = f.actors;
      await contribute(f, f.dealId, f.deal, 0n, worker1, TRUE);
      const again = await contribution(f, f.dealId, f.deal, 0n, worker1.address, LIE);
      await expect(
        f.taskManager
          .connect(worker1)
          .contribute(f.dealId, f.deal, 0n, again.input, again.authorization),
      )
        .to.be.revertedWithCustomError(f.taskManager, "TaskAlreadyContributed")
        .withArgs(f.taskId, worker1.address);
      expect(await f.hub.accountOf(worker1.address)).to.deep.equal([
        100n * ONE - WORKER_STAKE,
        WORKER_STAKE,
      ]);
    });

    it("accepts a vote one second before the contribution deadline", async () => {
      const f = await networkHelpers.loadFixture(replicatedFixture);
      await networkHelpers.time.setNextBlockTimestamp(contributionDeadline(f.deal) - 1n);
      await contribute(f, f.dealId, f.deal, 0n, f.actors.worker1, TRUE);
    });

    it("reverts with TaskContributionDeadlinePassed from the deadline on", async () => {
      const f = await networkHelpers.loadFixture(replicatedFixture);
      const { worker1 } = f.actors;
      const c = await contribution(f, f.dealId, f.deal, 0n, worker1.address, TRUE);
      const deadline = contributionDeadline(f.deal);
      await networkHelpers.time.setNextBlockTimestamp(deadline);
      await expect(
        f.taskManager.connect(worker1).contribute(f.dealId, f.deal, 0n, c.input, c.authorization),
      )
        .to.be.revertedWithCustomError(f.taskManager, "TaskContributionDeadlinePassed")
        .withArgs(f.taskId, deadline);
      expect(await f.hub.accountOf(worker1.address)).to.deep.equal([100n * ONE, 0n]);
    });

    it("reverts with TaskTrustMismatch on a trust-1 deal", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const { dealId, deal: d } = await deal(f, { trust: 1n });
      const c = await contribution(f, dealId, d, 0n, f.actors.worker1.address, TRUE);
      await expect(
        f.taskManager.connect(f.actors.worker1).contribute(dealId, d, 0n, c.input, c.authorization),
      )
        .to.be.revertedWithCustomError(f.taskManager, "TaskTrustMismatch")
        .withArgs(computeTaskId(dealId, 0n), 1n);
    });

    it("reverts with TaskStatusInvalid once consensus is reached", async () => {
      const f = await networkHelpers.loadFixture(consensusFixture);
      const c = await contribution(f, f.dealId, f.deal, 0n, f.actors.worker3.address, TRUE);
      await expect(
        f.taskManager
          .connect(f.actors.worker3)
          .contribute(f.dealId, f.deal, 0n, c.input, c.authorization),
      )
        .to.be.revertedWithCustomError(f.taskManager, "TaskStatusInvalid")
        .withArgs(f.taskId, TaskStatus.Revealing);
    });

    it("reverts with TaskEnclaveInvalid when a non-TEE vote names an enclave", async () => {
      const f = await networkHelpers.loadFixture(replicatedFixture);
      const { worker1 } = f.actors;
      const enclave = Wallet.createRandom().address;
      const c = await contribution(f, f.dealId, f.deal, 0n, worker1.address, TRUE);
      const authorization = await signWorkerAuthorization(f.actors.poolOwner, f.taskDomain, {
        worker: worker1.address,
        taskId: f.taskId,
        enclave,
      });
      await expect(
        f.taskManager
          .connect(worker1)
          .contribute(f.dealId, f.deal, 0n, { ...c.input, enclave }, authorization),
      )
        .to.be.revertedWithCustomError(f.taskManager, "TaskEnclaveInvalid")
        .withArgs(f.taskId, enclave);
    });

    it("reverts with EscrowInsufficientBalance when the worker cannot stake", async () => {
      const f = await networkHelpers.loadFixture(replicatedFixture);
      const { stranger } = f.actors;
      const c = await contribution(f, f.dealId, f.deal, 0n, stranger.address, TRUE);
      await expect(
        f.taskManager.connect(stranger).contribute(f.dealId, f.deal, 0n, c.input, c.authorization),
      )
        .to.be.revertedWithCustomError(f.hub, "EscrowInsufficientBalance")
        .withArgs(stranger.address, 0n, WORKER_STAKE);
      expect((await f.taskManager.taskOf(f.taskId)).contributorCount).to.equal(0n);
    });

    it("reverts with TaskContributorsFull for the 33rd contributor", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      await f.workerpoolRegistry
        .connect(f.actors.poolOwner)
        .setWorkerpoolPolicy(f.assets.workerpool, 0, 20);
      const { dealId, deal: d } = await deal(f, { trust: 1000n });
      expect(d.workerStake).to.equal(0n);
      const tid = computeTaskId(dealId, 0n);
      const workers = Array.from({ length: 33 }, () =>
        Wallet.createRandom().connect(ethers.provider),
      );
      for (const w of workers) await networkHelpers.setBalance(w.address, ONE);
      for (const [i, w] of workers.slice(0, 32).entries()) {
        const c = await contribution(f, dealId, d, 0n, w.address, digestOf(`vote ${i}`));
        await (
          await f.taskManager.connect(w).contribute(dealId, d, 0n, c.input, c.authorization)
        ).wait();
      }
      expect((await f.taskManager.taskOf(tid)).contributorCount).to.equal(32n);
      const last = workers[32];
      const c = await contribution(f, dealId, d, 0n, last.address, digestOf("vote 32"));
      await expect(f.taskManager.connect(last).contribute(dealId, d, 0n, c.input, c.authorization))
        .to.be.revertedWithCustomError(f.taskManager, "TaskContributorsFull")
        .withArgs(tid, 32n);
      // The capped task still settles within a block: a claim walks all 32 contributors.
      await networkHelpers.time.increaseTo(finalDeadline(d));
      const receipt = (await (await f.taskManager.claim(dealId, d, 0n)).wait())!;
      expect(receipt.gasUsed).to.be.lessThan(1_000_000n);
    });

    describe("on a TEE deal", () => {
      async function teeReplicatedFixture() {
        const f = await marketFixture();
        const created = await deal(f, { tee: true });
        return { ...f, ...created, taskId: computeTaskId(created.dealId, 0n) };
      }

      it("accepts attested votes and settles them", async () => {
        const f = await networkHelpers.loadFixture(teeReplicatedFixture);
        const c1 = await contribute(f, f.dealId, f.deal, 0n, f.actors.worker1, TRUE);
        expect(
          (await f.taskManager.contributionOf(f.taskId, f.actors.worker1.address)).enclave,
        ).to.equal(c1.input.enclave);
        await contribute(f, f.dealId, f.deal, 0n, f.actors.worker2, TRUE);
        await f.taskManager.connect(f.actors.worker1).reveal(f.taskId, TRUE);
        await f.taskManager.connect(f.actors.worker2).reveal(f.taskId, TRUE);
        await finalizeBy(f, f.actors.poolOwner);
        expect((await f.taskManager.taskOf(f.taskId)).status).to.equal(TaskStatus.Completed);
      });

      it("reverts with TaskEnclaveInvalid for a vote without an enclave", async () => {
        const f = await networkHelpers.loadFixture(teeReplicatedFixture);
        const c = await contribution(f, f.dealId, f.deal, 0n, f.actors.worker1.address, TRUE, {
          tee: false,
        });
        await expect(
          f.taskManager
            .connect(f.actors.worker1)
            .contribute(f.dealId, f.deal, 0n, c.input, c.authorization),
        )
          .to.be.revertedWithCustomError(f.taskManager, "TaskEnclaveInvalid")
          .withArgs(f.taskId, ZeroAddress);
      });

      it("reverts with TaskAttestationInvalid for a vote without a verifier statement", async () => {
        const f = await networkHelpers.loadFixture(teeReplicatedFixture);
        const c = await contribution(f, f.dealId, f.deal, 0n, f.actors.worker1.address, TRUE);
        await expect(
          f.taskManager
            .connect(f.actors.worker1)
            .contribute(f.dealId, f.deal, 0n, { ...c.input, attestation: "0x" }, c.authorization),
        )
          .to.be.revertedWithCustomError(f.taskManager, "TaskAttestationInvalid")
          .withArgs(f.taskId, ZeroAddress);
      });

      it("reverts with TaskEnclaveSignatureInvalid for a vote the enclave did not sign", async () => {
        const f = await networkHelpers.loadFixture(teeReplicatedFixture);
        const c = await contribution(f, f.dealId, f.deal, 0n, f.actors.worker1.address, TRUE);
        const other = await contribution(f, f.dealId, f.deal, 0n, f.actors.worker1.address, LIE);
        await expect(
          f.taskManager.connect(f.actors.worker1).contribute(
            f.dealId,
            f.deal,
            0n,
            {
              ...c.input,
              resultHash: other.input.resultHash,
              resultSeal: other.input.resultSeal,
            },
            c.authorization,
          ),
        )
          .to.be.revertedWithCustomError(f.taskManager, "TaskEnclaveSignatureInvalid")
          .withArgs(f.taskId, c.input.enclave);
      });
    });
  });

  describe("reveal", () => {
    it("proves a winner's vote", async () => {
      const f = await networkHelpers.loadFixture(consensusFixture);
      await expect(f.taskManager.connect(f.actors.worker1).reveal(f.taskId, TRUE))
        .to.emit(f.taskManager, "TaskRevealed")
        .withArgs(f.taskId, f.actors.worker1.address, TRUE);
      expect(
        (await f.taskManager.contributionOf(f.taskId, f.actors.worker1.address)).status,
      ).to.equal(ContributionStatus.Proved);
      const task = await f.taskManager.taskOf(f.taskId);
      expect([task.revealCount, task.resultDigest]).to.deep.equal([1n, TRUE]);
    });

    it("reverts with TaskRevealInvalid for a wrong digest", async () => {
      const f = await networkHelpers.loadFixture(consensusFixture);
      await expect(f.taskManager.connect(f.actors.worker1).reveal(f.taskId, LIE))
        .to.be.revertedWithCustomError(f.taskManager, "TaskRevealInvalid")
        .withArgs(f.taskId, f.actors.worker1.address);
    });

    it("reverts with TaskRevealInvalid for a worker that copied another worker's hash (seal mismatch)", async () => {
      const f = await networkHelpers.loadFixture(replicatedFixture);
      const { worker1, worker3 } = f.actors;
      const honest = await contribute(f, f.dealId, f.deal, 0n, worker1, TRUE);
      // The copier reads the vote from the TaskContributed event but cannot know the digest.
      const copied = await contribution(f, f.dealId, f.deal, 0n, worker3.address, LIE);
      await f.taskManager
        .connect(worker3)
        .contribute(
          f.dealId,
          f.deal,
          0n,
          { ...copied.input, resultHash: honest.input.resultHash, resultSeal: keccak256("0x01") },
          copied.authorization,
        );
      expect((await f.taskManager.taskOf(f.taskId)).status).to.equal(TaskStatus.Revealing);
      await f.taskManager.connect(worker1).reveal(f.taskId, TRUE);
      // Even once the digest is public, the copier's seal does not match it.
      await expect(f.taskManager.connect(worker3).reveal(f.taskId, TRUE))
        .to.be.revertedWithCustomError(f.taskManager, "TaskRevealInvalid")
        .withArgs(f.taskId, worker3.address);
      // The copier is seized at finalize; the honest worker gets everything.
      const deadline = (await f.taskManager.taskOf(f.taskId)).revealDeadline;
      await networkHelpers.time.increaseTo(deadline);
      const tx = finalizeBy(f, f.actors.poolOwner);
      await expect(tx).to.emit(f.hub, "Seized").withArgs(worker3.address, WORKER_STAKE, f.taskId);
      const reward = ((5n * ONE + WORKER_STAKE) * 80n) / 100n;
      await expect(tx).to.emit(f.hub, "Rewarded").withArgs(worker1.address, reward, f.taskId);
      await expectConserved(f);
    });

    it("reverts with TaskRevealInvalid for a loser, a non-contributor and a second reveal", async () => {
      const f = await networkHelpers.loadFixture(replicatedFixture);
      const { worker1, worker2, worker3, stranger } = f.actors;
      await contribute(f, f.dealId, f.deal, 0n, worker3, LIE);
      await contribute(f, f.dealId, f.deal, 0n, worker1, TRUE);
      await contribute(f, f.dealId, f.deal, 0n, worker2, TRUE);
      await fund(f, stranger, 10n * ONE);
      await contribute(f, f.dealId, f.deal, 0n, stranger, TRUE);
      expect((await f.taskManager.taskOf(f.taskId)).status).to.equal(TaskStatus.Revealing);
      for (const [who, digest] of [
        [worker3, LIE],
        [worker3, TRUE],
        [f.actors.appOwner, TRUE],
      ] as const) {
        await expect(f.taskManager.connect(who).reveal(f.taskId, digest))
          .to.be.revertedWithCustomError(f.taskManager, "TaskRevealInvalid")
          .withArgs(f.taskId, who.address);
      }
      await f.taskManager.connect(worker1).reveal(f.taskId, TRUE);
      await expect(f.taskManager.connect(worker1).reveal(f.taskId, TRUE))
        .to.be.revertedWithCustomError(f.taskManager, "TaskRevealInvalid")
        .withArgs(f.taskId, worker1.address);
    });

    it("reverts with TaskStatusInvalid before consensus", async () => {
      const f = await networkHelpers.loadFixture(replicatedFixture);
      await contribute(f, f.dealId, f.deal, 0n, f.actors.worker1, TRUE);
      await expect(f.taskManager.connect(f.actors.worker1).reveal(f.taskId, TRUE))
        .to.be.revertedWithCustomError(f.taskManager, "TaskStatusInvalid")
        .withArgs(f.taskId, TaskStatus.Active);
    });

    it("accepts a reveal one second before the reveal deadline", async () => {
      const f = await networkHelpers.loadFixture(consensusFixture);
      await networkHelpers.time.setNextBlockTimestamp(f.revealDeadline - 1n);
      await f.taskManager.connect(f.actors.worker1).reveal(f.taskId, TRUE);
    });

    it("reverts with TaskRevealDeadlinePassed from the reveal deadline on", async () => {
      const f = await networkHelpers.loadFixture(consensusFixture);
      await networkHelpers.time.setNextBlockTimestamp(f.revealDeadline);
      await expect(f.taskManager.connect(f.actors.worker1).reveal(f.taskId, TRUE))
        .to.be.revertedWithCustomError(f.taskManager, "TaskRevealDeadlinePassed")
        .withArgs(f.taskId, f.revealDeadline);
    });
  });

  describe("finalize", () => {
    it("pays app, dataset, winners by weight and the scheduler the rest, and raises the winners' scores", async () => {
      const f = await networkHelpers.loadFixture(consensusFixture);
      const { requester, appOwner, datasetOwner, poolOwner, worker1, worker2 } = f.actors;
      await f.taskManager.connect(worker1).reveal(f.taskId, TRUE);
      await f.taskManager.connect(worker2).reveal(f.taskId, TRUE);
      const parties = [requester, appOwner, datasetOwner, poolOwner, worker1, worker2].map(
        (a) => a.address,
      );
      const before = await balancesOf(f, parties);
      const tx = finalizeBy(f, poolOwner, 0n, "0xabcd");
      await expect(tx)
        .to.emit(f.taskManager, "TaskCompleted")
        .withArgs(f.taskId, f.dealId, ZeroAddress, 0n, TRUE, ZeroHash, ZeroAddress, "0xabcd");
      for (const w of [worker1, worker2]) {
        await expect(tx).to.emit(f.hub, "Unlocked").withArgs(w.address, WORKER_STAKE, f.taskId);
        await expect(tx)
          .to.emit(f.hub, "Rewarded")
          .withArgs(w.address, 2n * ONE, f.taskId);
        await expect(tx)
          .to.emit(f.taskManager, "WorkerScoreUpdated")
          .withArgs(w.address, 1n, f.taskId);
      }
      await expect(tx).to.emit(f.hub, "Rewarded").withArgs(poolOwner.address, ONE, f.taskId);
      const after = await balancesOf(f, parties);
      const gain = (a: string) =>
        after[a].stake + after[a].locked - before[a].stake - before[a].locked;
      expect(parties.map(gain)).to.deep.equal([
        -10n * ONE,
        3n * ONE,
        2n * ONE,
        ONE,
        2n * ONE,
        2n * ONE,
      ]);
      for (const w of [worker1, worker2]) {
        expect(await f.hub.accountOf(w.address)).to.deep.equal([102n * ONE, 0n]);
        expect(await f.taskManager.workerScore(w.address)).to.equal(1n);
      }
      expect((await f.taskManager.taskOf(f.taskId)).status).to.equal(TaskStatus.Completed);
      await expectConserved(f);
    });

    it("does not raise the score of a lone contributor", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const { dealId, deal: d } = await deal(f, { trust: 2n });
      await contribute(f, dealId, d, 0n, f.actors.worker1, TRUE);
      await f.taskManager.connect(f.actors.worker1).reveal(computeTaskId(dealId, 0n), TRUE);
      await expect(
        f.taskManager.connect(f.actors.poolOwner).finalize(dealId, d, 0n, "0x", "0x"),
      ).not.to.emit(f.taskManager, "WorkerScoreUpdated");
      expect(await f.taskManager.workerScore(f.actors.worker1.address)).to.equal(0n);
      expect((await f.hub.accountOf(f.actors.worker1.address))[0]).to.equal(104n * ONE);
    });

    it("seizes a non-revealing winner after the reveal deadline and gives its stake to the revealers", async () => {
      const f = await networkHelpers.loadFixture(consensusFixture);
      const { poolOwner, worker1, worker2 } = f.actors;
      await f.taskManager.connect(worker1).reveal(f.taskId, TRUE);
      await expect(finalizeBy(f, poolOwner))
        .to.be.revertedWithCustomError(f.taskManager, "TaskFinalizeNotReady")
        .withArgs(f.taskId);
      await networkHelpers.time.increaseTo(f.revealDeadline);
      const tx = finalizeBy(f, poolOwner);
      await expect(tx).to.emit(f.hub, "Seized").withArgs(worker2.address, WORKER_STAKE, f.taskId);
      await expect(tx)
        .to.emit(f.taskManager, "WorkerScoreUpdated")
        .withArgs(worker2.address, 0n, f.taskId);
      const total = 5n * ONE + WORKER_STAKE;
      const workers = (total * 80n) / 100n;
      await expect(tx).to.emit(f.hub, "Rewarded").withArgs(worker1.address, workers, f.taskId);
      await expect(tx)
        .to.emit(f.hub, "Rewarded")
        .withArgs(poolOwner.address, total - workers, f.taskId);
      expect(await f.hub.accountOf(worker2.address)).to.deep.equal([100n * ONE - WORKER_STAKE, 0n]);
      expect(await f.taskManager.workerScore(worker1.address)).to.equal(1n);
      await expectConserved(f);
    });

    it("seizes a liar, cuts its score to 2/3 and pays the honest majority", async () => {
      const f = await networkHelpers.loadFixture(replicatedFixture);
      const { worker1, worker2, worker3, poolOwner, stranger } = f.actors;
      const liar = stranger;
      await fund(f, liar, 100n * ONE);
      // Tasks 0-2: the future liar and worker1 agree and both earn +1 score each time.
      for (const index of [0n, 1n, 2n]) {
        const tid = computeTaskId(f.dealId, index);
        await contribute(f, f.dealId, f.deal, index, liar, TRUE);
        await contribute(f, f.dealId, f.deal, index, worker1, TRUE);
        await f.taskManager.connect(liar).reveal(tid, TRUE);
        await f.taskManager.connect(worker1).reveal(tid, TRUE);
        await finalizeBy(f, poolOwner, index);
      }
      expect(await f.taskManager.workerScore(liar.address)).to.equal(3n);
      // Task 3: the liar disagrees; consensus needs three honest votes against one.
      const tid = computeTaskId(f.dealId, 3n);
      await contribute(f, f.dealId, f.deal, 3n, worker1, TRUE);
      await contribute(f, f.dealId, f.deal, 3n, liar, LIE);
      await contribute(f, f.dealId, f.deal, 3n, worker2, TRUE);
      expect((await f.taskManager.taskOf(tid)).status).to.equal(TaskStatus.Active);
      await contribute(f, f.dealId, f.deal, 3n, worker3, TRUE);
      expect((await f.taskManager.taskOf(tid)).winnerCount).to.equal(3n);
      for (const w of [worker1, worker2, worker3]) await f.taskManager.connect(w).reveal(tid, TRUE);
      const liarBefore = await f.hub.accountOf(liar.address);
      const tx = finalizeBy(f, poolOwner, 3n);
      await expect(tx).to.emit(f.hub, "Seized").withArgs(liar.address, WORKER_STAKE, tid);
      await expect(tx).to.emit(f.taskManager, "WorkerScoreUpdated").withArgs(liar.address, 2n, tid);
      const share = ((5n * ONE + WORKER_STAKE) * 80n) / 100n / 3n;
      for (const w of [worker1, worker2, worker3]) {
        await expect(tx).to.emit(f.hub, "Rewarded").withArgs(w.address, share, tid);
      }
      expect(await f.taskManager.workerScore(liar.address)).to.equal(2n);
      expect(await f.taskManager.workerScore(worker1.address)).to.equal(4n);
      expect(await f.taskManager.workerScore(worker2.address)).to.equal(1n);
      expect(await f.hub.accountOf(liar.address)).to.deep.equal([liarBefore[0], 0n]);
      await expectConserved(f);
    });

    it("reverts with TaskNotScheduler for anyone but the scheduler", async () => {
      const f = await networkHelpers.loadFixture(consensusFixture);
      await f.taskManager.connect(f.actors.worker1).reveal(f.taskId, TRUE);
      await f.taskManager.connect(f.actors.worker2).reveal(f.taskId, TRUE);
      await expect(finalizeBy(f, f.actors.worker1))
        .to.be.revertedWithCustomError(f.taskManager, "TaskNotScheduler")
        .withArgs(f.dealId, f.actors.worker1.address);
    });

    it("reverts with TaskStatusInvalid before consensus", async () => {
      const f = await networkHelpers.loadFixture(replicatedFixture);
      await expect(finalizeBy(f, f.actors.poolOwner))
        .to.be.revertedWithCustomError(f.taskManager, "TaskStatusInvalid")
        .withArgs(f.taskId, TaskStatus.Unset);
    });

    it("reverts with TaskFinalizeNotReady when nobody revealed, even after the reveal deadline", async () => {
      const f = await networkHelpers.loadFixture(consensusFixture);
      await expect(finalizeBy(f, f.actors.poolOwner))
        .to.be.revertedWithCustomError(f.taskManager, "TaskFinalizeNotReady")
        .withArgs(f.taskId);
      await networkHelpers.time.increaseTo(f.revealDeadline);
      await expect(finalizeBy(f, f.actors.poolOwner))
        .to.be.revertedWithCustomError(f.taskManager, "TaskFinalizeNotReady")
        .withArgs(f.taskId);
    });

    it("reverts with TaskFinalDeadlinePassed from the final deadline on", async () => {
      const f = await networkHelpers.loadFixture(consensusFixture);
      await f.taskManager.connect(f.actors.worker1).reveal(f.taskId, TRUE);
      await f.taskManager.connect(f.actors.worker2).reveal(f.taskId, TRUE);
      const deadline = finalDeadline(f.deal);
      await networkHelpers.time.setNextBlockTimestamp(deadline);
      await expect(finalizeBy(f, f.actors.poolOwner))
        .to.be.revertedWithCustomError(f.taskManager, "TaskFinalDeadlinePassed")
        .withArgs(f.taskId, deadline);
    });

    it("checks the callback data against the revealed digest and calls the callback", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const recorder = await new CallbackRecorder__factory(f.actors.requester).deploy();
      const data = "0x5eed";
      const { dealId, deal: d } = await deal(f, { callback: await recorder.getAddress() });
      const tid = computeTaskId(dealId, 0n);
      for (const w of [f.actors.worker1, f.actors.worker2])
        await contribute(f, dealId, d, 0n, w, keccak256(data));
      for (const w of [f.actors.worker1, f.actors.worker2])
        await f.taskManager.connect(w).reveal(tid, keccak256(data));
      const tm = f.taskManager.connect(f.actors.poolOwner);
      await expect(tm.finalize(dealId, d, 0n, "0x", "0x5eee"))
        .to.be.revertedWithCustomError(f.taskManager, "TaskCallbackDataInvalid")
        .withArgs(tid);
      await expect(tm.finalize(dealId, d, 0n, "0x", data))
        .to.emit(f.taskManager, "CallbackExecuted")
        .withArgs(tid, await recorder.getAddress(), true);
      expect(await recorder.lastData()).to.equal(data);
    });
  });

  describe("reopen", () => {
    it("rejects an unrevealed consensus so that new workers can settle the task", async () => {
      const f = await networkHelpers.loadFixture(consensusFixture);
      const { poolOwner, worker1, worker2, worker3, stranger } = f.actors;
      await networkHelpers.time.increaseTo(f.revealDeadline);
      await expect(f.taskManager.connect(poolOwner).reopen(f.dealId, f.deal, 0n))
        .to.emit(f.taskManager, "TaskReopened")
        .withArgs(f.taskId);
      const task = await f.taskManager.taskOf(f.taskId);
      expect([
        task.status,
        task.consensusHash,
        task.revealDeadline,
        task.winnerCount,
      ]).to.deep.equal([BigInt(TaskStatus.Active), ZeroHash, 0n, 0n]);
      for (const w of [worker1, worker2]) {
        expect((await f.taskManager.contributionOf(f.taskId, w.address)).status).to.equal(
          ContributionStatus.Rejected,
        );
      }
      // The rejected workers cannot vote again; two fresh ones settle the task.
      const again = await contribution(f, f.dealId, f.deal, 0n, worker1.address, TRUE);
      await expect(
        f.taskManager
          .connect(worker1)
          .contribute(f.dealId, f.deal, 0n, again.input, again.authorization),
      )
        .to.be.revertedWithCustomError(f.taskManager, "TaskAlreadyContributed")
        .withArgs(f.taskId, worker1.address);
      await fund(f, stranger, 10n * ONE);
      await contribute(f, f.dealId, f.deal, 0n, worker3, TRUE);
      await contribute(f, f.dealId, f.deal, 0n, stranger, TRUE);
      expect((await f.taskManager.taskOf(f.taskId)).winnerCount).to.equal(2n);
      await f.taskManager.connect(worker3).reveal(f.taskId, TRUE);
      await f.taskManager.connect(stranger).reveal(f.taskId, TRUE);
      const tx = finalizeBy(f, poolOwner);
      for (const w of [worker1, worker2]) {
        await expect(tx).to.emit(f.hub, "Seized").withArgs(w.address, WORKER_STAKE, f.taskId);
      }
      const share = ((5n * ONE + 2n * WORKER_STAKE) * 80n) / 100n / 2n;
      await expect(tx).to.emit(f.hub, "Rewarded").withArgs(worker3.address, share, f.taskId);
      await expectConserved(f);
    });

    it("reverts with TaskReopenNotAllowed before the reveal deadline", async () => {
      const f = await networkHelpers.loadFixture(consensusFixture);
      await expect(f.taskManager.connect(f.actors.poolOwner).reopen(f.dealId, f.deal, 0n))
        .to.be.revertedWithCustomError(f.taskManager, "TaskReopenNotAllowed")
        .withArgs(f.taskId);
    });

    it("reverts with TaskReopenNotAllowed when someone revealed", async () => {
      const f = await networkHelpers.loadFixture(consensusFixture);
      await f.taskManager.connect(f.actors.worker1).reveal(f.taskId, TRUE);
      await networkHelpers.time.increaseTo(f.revealDeadline);
      await expect(f.taskManager.connect(f.actors.poolOwner).reopen(f.dealId, f.deal, 0n))
        .to.be.revertedWithCustomError(f.taskManager, "TaskReopenNotAllowed")
        .withArgs(f.taskId);
    });

    it("reverts with TaskReopenNotAllowed from the final deadline on", async () => {
      const f = await networkHelpers.loadFixture(consensusFixture);
      await networkHelpers.time.increaseTo(finalDeadline(f.deal));
      await expect(f.taskManager.connect(f.actors.poolOwner).reopen(f.dealId, f.deal, 0n))
        .to.be.revertedWithCustomError(f.taskManager, "TaskReopenNotAllowed")
        .withArgs(f.taskId);
    });

    it("reverts with TaskNotScheduler for anyone but the scheduler", async () => {
      const f = await networkHelpers.loadFixture(consensusFixture);
      await networkHelpers.time.increaseTo(f.revealDeadline);
      await expect(f.taskManager.connect(f.actors.worker1).reopen(f.dealId, f.deal, 0n))
        .to.be.revertedWithCustomError(f.taskManager, "TaskNotScheduler")
        .withArgs(f.dealId, f.actors.worker1.address);
    });

    it("reverts with TaskStatusInvalid for a task that is not revealing", async () => {
      const f = await networkHelpers.loadFixture(replicatedFixture);
      await expect(f.taskManager.connect(f.actors.poolOwner).reopen(f.dealId, f.deal, 1n))
        .to.be.revertedWithCustomError(f.taskManager, "TaskStatusInvalid")
        .withArgs(computeTaskId(f.dealId, 1n), TaskStatus.Unset);
    });
  });
});
