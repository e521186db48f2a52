import { expect } from "chai";
import { anyUint } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import {
  TypedDataEncoder,
  Wallet,
  ZeroAddress,
  ZeroHash,
  keccak256,
  randomBytes,
  recoverAddress,
} from "ethers";
import {
  ATTESTATION_STATEMENT_TYPES,
  contributionDeadline,
  finalDeadline,
  signEnclaveResult,
  signWorkerAuthorization,
  taskId as computeTaskId,
} from "../../src/core/index.js";
import type { Deal } from "../../src/core/index.js";
import {
  CallbackRecorder__factory,
  GasBurnerCallback__factory,
  GasProbeCallback__factory,
  GasLimitedRelay__factory,
  ReentrantCallback__factory,
  ReturnBombCallback__factory,
} from "../../types/index.js";
import { ONE, ethers, marketFixture, networkHelpers } from "../helpers/fixture.js";
import type { MarketFixture } from "../helpers/fixture.js";
import { balancesOf, expectConserved } from "../helpers/escrow.js";
import { buildOrders, fastProof, match, signOrders } from "../helpers/market.js";
import type { FastProof, OrderOptions } from "../helpers/market.js";
import { TaskStatus, digestOf } from "../helpers/tasks.js";
import { tampered, toCompact } from "../helpers/signatures.js";

const STAKE = (5n * ONE * 30n) / 100n;

async function deal(f: MarketFixture, o: OrderOptions = {}) {
  return match(f, await signOrders(f, await buildOrders(f, f.assets, o)));
}

async function teeDealFixture() {
  const f = await marketFixture();
  return { ...f, ...(await deal(f, { volume: 4n })) };
}

async function plainDealFixture() {
  const f = await marketFixture();
  return { ...f, ...(await deal(f, { volume: 4n, tee: false })) };
}

function push(f: MarketFixture, dealId: string, d: Deal, p: FastProof, sender = f.actors.worker1) {
  return f.taskManager.connect(sender).pushResult(dealId, d, p.result, p.authorization);
}

/** The address an ECDSA signature recovers to for the attestation statement the chain checks. */
function attestationSigner(f: MarketFixture, d: Deal, p: FastProof): string {
  const digest = TypedDataEncoder.hash(f.taskDomain, ATTESTATION_STATEMENT_TYPES, {
    taskId: p.taskId,
    enclave: p.result.enclave,
    mrenclave: d.mrenclave,
  });
  return recoverAddress(digest, p.result.attestation);
}

describe("TaskManager (fast path)", () => {
  describe("pushResult", () => {
    it("lets the authorized worker complete a TEE task and pays every party exactly", async () => {
      const f = await networkHelpers.loadFixture(teeDealFixture);
      const { requester, appOwner, datasetOwner, poolOwner, worker1 } = f.actors;
      const parties = [requester, appOwner, datasetOwner, poolOwner, worker1].map((a) => a.address);
      const before = await balancesOf(f, parties);
      const p = await fastProof(f, f.dealId, f.deal, 2n, worker1.address);
      const tx = push(f, f.dealId, f.deal, p);
      await expect(tx)
        .to.emit(f.taskManager, "TaskCompleted")
        .withArgs(
          p.taskId,
          f.dealId,
          worker1.address,
          2n,
          p.result.resultDigest,
          p.result.receiptHash,
          p.result.enclave,
          p.result.results,
        );
      for (const [event, args] of [
        ["Seized", [requester.address, 10n * ONE, p.taskId]],
        ["Rewarded", [appOwner.address, 3n * ONE, p.taskId]],
        ["Rewarded", [datasetOwner.address, 2n * ONE, p.taskId]],
        ["Unlocked", [poolOwner.address, STAKE, p.taskId]],
        ["Rewarded", [worker1.address, 4n * ONE, p.taskId]],
        ["Rewarded", [poolOwner.address, ONE, p.taskId]],
      ] as const) {
        await expect(tx)
          .to.emit(f.hub, event)
          .withArgs(...args);
      }
      await expect(tx).not.to.emit(f.hub, "KittyDrained");
      const after = await balancesOf(f, parties);
      const delta = (a: string) => [
        after[a].stake - before[a].stake,
        after[a].locked - before[a].locked,
      ];
      expect(delta(requester.address)).to.deep.equal([0n, -10n * ONE]);
      expect(delta(appOwner.address)).to.deep.equal([3n * ONE, 0n]);
      expect(delta(datasetOwner.address)).to.deep.equal([2n * ONE, 0n]);
      expect(delta(poolOwner.address)).to.deep.equal([ONE + STAKE, -STAKE]);
      expect(delta(worker1.address)).to.deep.equal([4n * ONE, 0n]);
      const task = await f.taskManager.taskOf(p.taskId);
      expect(task.status).to.equal(TaskStatus.Completed);
      await expectConserved(f);
    });

    it("pays to the wei with prices that do not divide evenly", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const { dealId, deal: d } = await deal(f, {
        appPrice: 3n,
        datasetPrice: 1n,
        workerpoolPrice: 7n,
      });
      expect([d.workerpoolStake, d.workerStake]).to.deep.equal([2n, 2n]);
      const { requester, appOwner, datasetOwner, poolOwner, worker1 } = f.actors;
      const parties = [requester, appOwner, datasetOwner, poolOwner, worker1].map((a) => a.address);
      const before = await balancesOf(f, parties);
      await push(f, dealId, d, await fastProof(f, dealId, d, 0n, worker1.address));
      const after = await balancesOf(f, parties);
      const gain = (a: string) =>
        after[a].stake + after[a].locked - before[a].stake - before[a].locked;
      // Worker: floor(7 * 80%) = 5; pool owner: the remaining 2 (its stake of 2 comes back too).
      expect(parties.map(gain)).to.deep.equal([-11n, 3n, 1n, 2n, 5n]);
      expect(after[poolOwner.address].locked).to.equal(before[poolOwner.address].locked - 2n);
      await expectConserved(f);
    });

    it("lets the scheduler push without an authorization", async () => {
      const f = await networkHelpers.loadFixture(teeDealFixture);
      const p = await fastProof(f, f.dealId, f.deal, 0n, f.actors.worker2.address);
      await push(f, f.dealId, f.deal, { ...p, authorization: "0x" }, f.actors.poolOwner);
      expect((await f.taskManager.taskOf(p.taskId)).status).to.equal(TaskStatus.Completed);
      expect((await f.hub.accountOf(f.actors.worker2.address))[0]).to.equal(104n * ONE);
    });

    it("lets anyone relay a TEE result and pays the worker, not the relayer", async () => {
      const f = await networkHelpers.loadFixture(teeDealFixture);
      const { worker1, stranger } = f.actors;
      const p = await fastProof(f, f.dealId, f.deal, 1n, worker1.address);
      await push(f, f.dealId, f.deal, p, stranger);
      expect((await f.hub.accountOf(worker1.address))[0]).to.equal(104n * ONE);
      expect((await f.hub.accountOf(stranger.address))[0]).to.equal(0n);
    });

    it("lets a non-TEE worker push its own result", async () => {
      const f = await networkHelpers.loadFixture(plainDealFixture);
      const p = await fastProof(f, f.dealId, f.deal, 0n, f.actors.worker1.address);
      expect(p.result.enclave).to.equal(ZeroAddress);
      await push(f, f.dealId, f.deal, p);
      expect((await f.taskManager.taskOf(p.taskId)).status).to.equal(TaskStatus.Completed);
    });

    it("reverts with TaskAuthorizationInvalid when someone else relays a non-TEE result (front-running)", async () => {
      const f = await networkHelpers.loadFixture(plainDealFixture);
      const { worker1, stranger, poolOwner } = f.actors;
      const honest = await fastProof(f, f.dealId, f.deal, 0n, worker1.address);
      // The attacker copies the authorization from the pending transaction and swaps the digest.
      const forged = { ...honest, result: { ...honest.result, resultDigest: digestOf("garbage") } };
      await expect(push(f, f.dealId, f.deal, forged, stranger))
        .to.be.revertedWithCustomError(f.taskManager, "TaskAuthorizationInvalid")
        .withArgs(honest.taskId, stranger.address, poolOwner.address);
      await expect(push(f, f.dealId, f.deal, honest, stranger))
        .to.be.revertedWithCustomError(f.taskManager, "TaskAuthorizationInvalid")
        .withArgs(honest.taskId, stranger.address, poolOwner.address);
      expect((await f.taskManager.taskOf(honest.taskId)).status).to.equal(TaskStatus.Unset);
      await push(f, f.dealId, f.deal, honest, worker1);
    });

    it("accepts a delegated scheduler key as the authorizer and as a sender", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const hotKey = f.actors.worker3;
      await f.workerpoolRegistry
        .connect(f.actors.poolOwner)
        .setScheduler(f.assets.workerpool, hotKey.address);
      const { dealId, deal: d } = await deal(f, { volume: 3n });
      expect(d.scheduler).to.equal(hotKey.address);
      const byOwner = await fastProof(f, dealId, d, 0n, f.actors.worker1.address);
      await expect(push(f, dealId, d, byOwner))
        .to.be.revertedWithCustomError(f.taskManager, "TaskAuthorizationInvalid")
        .withArgs(byOwner.taskId, f.actors.worker1.address, hotKey.address);
      const byKey = await fastProof(f, dealId, d, 0n, f.actors.worker1.address, {
        scheduler: hotKey,
      });
      await push(f, dealId, d, byKey);
      const direct = await fastProof(f, dealId, d, 1n, f.actors.worker2.address);
      await push(f, dealId, d, { ...direct, authorization: "0x" }, hotKey);
      // The pool owner is no longer the scheduler: it needs an authorization like anyone else.
      const third = await fastProof(f, dealId, d, 2n, f.actors.worker2.address);
      await expect(push(f, dealId, d, { ...third, authorization: "0x" }, f.actors.poolOwner))
        .to.be.revertedWithCustomError(f.taskManager, "TaskAuthorizationInvalid")
        .withArgs(third.taskId, f.actors.worker2.address, hotKey.address);
      // Payments still go to the pool owner.
      expect((await f.hub.accountOf(hotKey.address))[0]).to.equal(100n * ONE);
    });

    it("reverts with DealUnknown for a forged deal or an unknown deal id", async () => {
      const f = await networkHelpers.loadFixture(teeDealFixture);
      const p = await fastProof(f, f.dealId, f.deal, 0n, f.actors.worker1.address);
      for (const forged of [
        { ...f.deal, workerpoolPrice: f.deal.workerpoolPrice * 10n },
        { ...f.deal, appOwner: f.actors.stranger.address },
        { ...f.deal, botSize: 100n },
        { ...f.deal, trust: 2n },
      ]) {
        await expect(push(f, f.dealId, forged, p))
          .to.be.revertedWithCustomError(f.taskManager, "DealUnknown")
          .withArgs(f.dealId);
      }
      const otherId = keccak256(randomBytes(32));
      await expect(push(f, otherId, f.deal, p))
        .to.be.revertedWithCustomError(f.taskManager, "DealUnknown")
        .withArgs(otherId);
    });

    it("reverts with TaskIndexOutOfRange outside the deal's bag of tasks", async () => {
      const f = await networkHelpers.loadFixture(teeDealFixture);
      const p = await fastProof(f, f.dealId, f.deal, 4n, f.actors.worker1.address);
      await expect(push(f, f.dealId, f.deal, p))
        .to.be.revertedWithCustomError(f.taskManager, "TaskIndexOutOfRange")
        .withArgs(4n, 0n, 4n);
    });

    it("reverts with TaskTrustMismatch on a replicated deal", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const { dealId, deal: d } = await deal(f, { trust: 3n, tee: false });
      const p = await fastProof(f, dealId, d, 0n, f.actors.worker1.address);
      await expect(push(f, dealId, d, p))
        .to.be.revertedWithCustomError(f.taskManager, "TaskTrustMismatch")
        .withArgs(p.taskId, 3n);
    });

    it("reverts with TaskStatusInvalid for a task already completed, and pays nothing twice", async () => {
      const f = await networkHelpers.loadFixture(teeDealFixture);
      const p = await fastProof(f, f.dealId, f.deal, 0n, f.actors.worker1.address);
      await push(f, f.dealId, f.deal, p);
      const before = await balancesOf(f, [f.actors.worker1.address, f.actors.requester.address]);
      const again = await fastProof(f, f.dealId, f.deal, 0n, f.actors.worker2.address);
      await expect(push(f, f.dealId, f.deal, again, f.actors.worker2))
        .to.be.revertedWithCustomError(f.taskManager, "TaskStatusInvalid")
        .withArgs(p.taskId, TaskStatus.Completed);
      expect(
        await balancesOf(f, [f.actors.worker1.address, f.actors.requester.address]),
      ).to.deep.equal(before);
    });

    it("accepts a result one second before the contribution deadline", async () => {
      const f = await networkHelpers.loadFixture(teeDealFixture);
      const p = await fastProof(f, f.dealId, f.deal, 0n, f.actors.worker1.address);
      await networkHelpers.time.setNextBlockTimestamp(contributionDeadline(f.deal) - 1n);
      await push(f, f.dealId, f.deal, p);
    });

    it("reverts with TaskContributionDeadlinePassed from the contribution deadline on", async () => {
      const f = await networkHelpers.loadFixture(teeDealFixture);
      const p = await fastProof(f, f.dealId, f.deal, 0n, f.actors.worker1.address);
      const deadline = contributionDeadline(f.deal);
      await networkHelpers.time.setNextBlockTimestamp(deadline);
      await expect(push(f, f.dealId, f.deal, p))
        .to.be.revertedWithCustomError(f.taskManager, "TaskContributionDeadlinePassed")
        .withArgs(p.taskId, deadline);
    });

    it("reverts with TaskStatusInvalid for a task already failed by a claim", async () => {
      const f = await networkHelpers.loadFixture(teeDealFixture);
      await networkHelpers.time.increaseTo(finalDeadline(f.deal));
      await f.taskManager.claim(f.dealId, f.deal, 0n);
      const p = await fastProof(f, f.dealId, f.deal, 0n, f.actors.worker1.address);
      await expect(push(f, f.dealId, f.deal, p))
        .to.be.revertedWithCustomError(f.taskManager, "TaskStatusInvalid")
        .withArgs(p.taskId, TaskStatus.Failed);
    });

    describe("authorization", () => {
      it("reverts with TaskAuthorizationInvalid without one", async () => {
        const f = await networkHelpers.loadFixture(teeDealFixture);
        const { worker1, poolOwner } = f.actors;
        const p = await fastProof(f, f.dealId, f.deal, 0n, worker1.address);
        await expect(push(f, f.dealId, f.deal, { ...p, authorization: "0x" }))
          .to.be.revertedWithCustomError(f.taskManager, "TaskAuthorizationInvalid")
          .withArgs(p.taskId, worker1.address, poolOwner.address);
      });

      it("reverts with TaskAuthorizationInvalid when someone other than the scheduler signed it", async () => {
        const f = await networkHelpers.loadFixture(teeDealFixture);
        const { worker1, poolOwner } = f.actors;
        const p = await fastProof(f, f.dealId, f.deal, 0n, worker1.address, { scheduler: worker1 });
        await expect(push(f, f.dealId, f.deal, p))
          .to.be.revertedWithCustomError(f.taskManager, "TaskAuthorizationInvalid")
          .withArgs(p.taskId, worker1.address, poolOwner.address);
      });

      it("reverts with TaskAuthorizationInvalid when it names another worker, enclave or task", async () => {
        const f = await networkHelpers.loadFixture(teeDealFixture);
        const { worker1, worker2, poolOwner } = f.actors;
        const p = await fastProof(f, f.dealId, f.deal, 0n, worker1.address);
        const other = computeTaskId(f.dealId, 1n);
        for (const value of [
          { worker: worker2.address, taskId: p.taskId, enclave: p.result.enclave },
          { worker: worker1.address, taskId: p.taskId, enclave: Wallet.createRandom().address },
          { worker: worker1.address, taskId: other, enclave: p.result.enclave },
        ]) {
          const authorization = await signWorkerAuthorization(poolOwner, f.taskDomain, value);
          await expect(push(f, f.dealId, f.deal, { ...p, authorization }))
            .to.be.revertedWithCustomError(f.taskManager, "TaskAuthorizationInvalid")
            .withArgs(p.taskId, worker1.address, poolOwner.address);
        }
      });

      it("reverts with TaskAuthorizationInvalid for the zero worker, even from the scheduler", async () => {
        const f = await networkHelpers.loadFixture(teeDealFixture);
        const p = await fastProof(f, f.dealId, f.deal, 0n, ZeroAddress);
        await expect(push(f, f.dealId, f.deal, p, f.actors.poolOwner))
          .to.be.revertedWithCustomError(f.taskManager, "TaskAuthorizationInvalid")
          .withArgs(p.taskId, ZeroAddress, f.actors.poolOwner.address);
      });
    });

    describe("enclave and attestation", () => {
      it("reverts with TaskEnclaveInvalid when a TEE result names no enclave", async () => {
        const f = await networkHelpers.loadFixture(teeDealFixture);
        const p = await fastProof(f, f.dealId, f.deal, 0n, f.actors.worker1.address, {
          tee: false,
        });
        await expect(push(f, f.dealId, f.deal, p, f.actors.poolOwner))
          .to.be.revertedWithCustomError(f.taskManager, "TaskEnclaveInvalid")
          .withArgs(p.taskId, ZeroAddress);
      });

      it("reverts with TaskEnclaveInvalid when a non-TEE result names an enclave", async () => {
        const f = await networkHelpers.loadFixture(plainDealFixture);
        const p = await fastProof(f, f.dealId, f.deal, 0n, f.actors.worker1.address, { tee: true });
        await expect(push(f, f.dealId, f.deal, p))
          .to.be.revertedWithCustomError(f.taskManager, "TaskEnclaveInvalid")
          .withArgs(p.taskId, p.result.enclave);
      });

      it("reverts with TaskEnclaveSignatureInvalid for a forged enclave signature", async () => {
        const f = await networkHelpers.loadFixture(teeDealFixture);
        const p = await fastProof(f, f.dealId, f.deal, 0n, f.actors.worker1.address);
        const impostor = Wallet.createRandom();
        const forged = await signEnclaveResult(impostor, f.taskDomain, {
          resultHash: keccak256("0x01"),
          resultSeal: keccak256("0x02"),
          receiptHash: p.result.receiptHash,
        });
        for (const enclaveSignature of [
          forged,
          tampered(p.result.enclaveSignature),
          toCompact(p.result.enclaveSignature),
          "0x",
        ]) {
          await expect(
            push(f, f.dealId, f.deal, { ...p, result: { ...p.result, enclaveSignature } }),
          )
            .to.be.revertedWithCustomError(f.taskManager, "TaskEnclaveSignatureInvalid")
            .withArgs(p.taskId, p.result.enclave);
        }
      });

      it("reverts with TaskEnclaveSignatureInvalid when the digest or receipt differs from what the enclave signed", async () => {
        const f = await networkHelpers.loadFixture(teeDealFixture);
        const p = await fastProof(f, f.dealId, f.deal, 0n, f.actors.worker1.address);
        for (const patch of [
          { resultDigest: digestOf("other") },
          { receiptHash: ZeroHash },
          { worker: f.actors.worker2.address },
        ]) {
          const result = { ...p.result, ...patch };
          const authorization = await signWorkerAuthorization(f.actors.poolOwner, f.taskDomain, {
            worker: result.worker,
            taskId: p.taskId,
            enclave: result.enclave,
          });
          await expect(push(f, f.dealId, f.deal, { ...p, result, authorization }))
            .to.be.revertedWithCustomError(f.taskManager, "TaskEnclaveSignatureInvalid")
            .withArgs(p.taskId, p.result.enclave);
        }
      });

      it("reverts with TaskAttestationInvalid when the verifier statement is missing", async () => {
        const f = await networkHelpers.loadFixture(teeDealFixture);
        const p = await fastProof(f, f.dealId, f.deal, 0n, f.actors.worker1.address);
        await expect(
          push(f, f.dealId, f.deal, { ...p, result: { ...p.result, attestation: "0x" } }),
        )
          .to.be.revertedWithCustomError(f.taskManager, "TaskAttestationInvalid")
          .withArgs(p.taskId, ZeroAddress);
      });

      it("reverts with TaskAttestationInvalid when an unregistered key signs the statement", async () => {
        const f = await networkHelpers.loadFixture(teeDealFixture);
        const rogue = Wallet.createRandom();
        const p = await fastProof(f, f.dealId, f.deal, 0n, f.actors.worker1.address, {
          verifier: rogue,
        });
        await expect(push(f, f.dealId, f.deal, p))
          .to.be.revertedWithCustomError(f.taskManager, "TaskAttestationInvalid")
          .withArgs(p.taskId, rogue.address);
      });

      it("reverts with TaskAttestationInvalid once the verifier is deregistered", async () => {
        const f = await networkHelpers.loadFixture(teeDealFixture);
        await f.taskManager.setAttestationVerifier(f.verifier.address, false);
        const p = await fastProof(f, f.dealId, f.deal, 0n, f.actors.worker1.address);
        await expect(push(f, f.dealId, f.deal, p))
          .to.be.revertedWithCustomError(f.taskManager, "TaskAttestationInvalid")
          .withArgs(p.taskId, f.verifier.address);
      });

      it("reverts with TaskAttestationInvalid for a statement about another app measurement", async () => {
        const f = await networkHelpers.loadFixture(teeDealFixture);
        const p = await fastProof(f, f.dealId, f.deal, 0n, f.actors.worker1.address, {
          mrenclave: keccak256("0x0bad"),
        });
        await expect(push(f, f.dealId, f.deal, p))
          .to.be.revertedWithCustomError(f.taskManager, "TaskAttestationInvalid")
          .withArgs(p.taskId, attestationSigner(f, f.deal, p));
      });

      it("reverts with TaskAttestationInvalid for a statement about another task", async () => {
        const f = await networkHelpers.loadFixture(teeDealFixture);
        const p = await fastProof(f, f.dealId, f.deal, 0n, f.actors.worker1.address, {
          attestedTaskId: computeTaskId(f.dealId, 1n),
        });
        await expect(push(f, f.dealId, f.deal, p))
          .to.be.revertedWithCustomError(f.taskManager, "TaskAttestationInvalid")
          .withArgs(p.taskId, attestationSigner(f, f.deal, p));
      });

      it("reverts with TaskAttestationInvalid for a statement about another enclave", async () => {
        const f = await networkHelpers.loadFixture(teeDealFixture);
        const p = await fastProof(f, f.dealId, f.deal, 0n, f.actors.worker1.address);
        const q = await fastProof(f, f.dealId, f.deal, 0n, f.actors.worker1.address);
        const mixed = { ...p, result: { ...p.result, attestation: q.result.attestation } };
        await expect(push(f, f.dealId, f.deal, mixed))
          .to.be.revertedWithCustomError(f.taskManager, "TaskAttestationInvalid")
          .withArgs(p.taskId, attestationSigner(f, f.deal, mixed));
      });
    });

    describe("callbacks", () => {
      async function callbackDealFixture() {
        const f = await marketFixture();
        const recorder = await new CallbackRecorder__factory(f.actors.requester).deploy();
        const created = await deal(f, { volume: 4n, callback: await recorder.getAddress() });
        return { ...f, ...created, recorder };
      }

      it("reverts with TaskCallbackDataInvalid for callback data on a deal without a callback", async () => {
        const f = await networkHelpers.loadFixture(teeDealFixture);
        const p = await fastProof(f, f.dealId, f.deal, 0n, f.actors.worker1.address, {
          callbackData: "0x01",
        });
        await expect(push(f, f.dealId, f.deal, p))
          .to.be.revertedWithCustomError(f.taskManager, "TaskCallbackDataInvalid")
          .withArgs(p.taskId);
      });

      it("reverts with TaskCallbackDataInvalid when the data does not hash to the result digest", async () => {
        const f = await networkHelpers.loadFixture(callbackDealFixture);
        const p = await fastProof(f, f.dealId, f.deal, 0n, f.actors.worker1.address, {
          callbackData: "0x1234",
        });
        await expect(push(f, f.dealId, f.deal, p))
          .to.be.revertedWithCustomError(f.taskManager, "TaskCallbackDataInvalid")
          .withArgs(p.taskId);
        expect(await f.recorder.calls()).to.equal(0n);
      });

      it("calls receiveResult once with the data and the full gas cap", async () => {
        const f = await networkHelpers.loadFixture(callbackDealFixture);
        const data = "0xc0ffee";
        const p = await fastProof(f, f.dealId, f.deal, 0n, f.actors.worker1.address, {
          digest: keccak256(data),
          callbackData: data,
        });
        await expect(push(f, f.dealId, f.deal, p))
          .to.emit(f.taskManager, "CallbackExecuted")
          .withArgs(p.taskId, await f.recorder.getAddress(), true);
        expect(await f.recorder.calls()).to.equal(1n);
        expect(await f.recorder.lastTaskId()).to.equal(p.taskId);
        expect(await f.recorder.lastData()).to.equal(data);
        expect(await f.recorder.lastGas()).to.be.greaterThan(100_000n - 1_000n);
      });

      it("gives the callback its full cap even when a relaying contract forwards the least gas that succeeds", async () => {
        const f = await networkHelpers.loadFixture(marketFixture);
        const probe = await new GasProbeCallback__factory(f.actors.requester).deploy();
        const relay = await new GasLimitedRelay__factory(f.actors.stranger).deploy();
        const { dealId, deal: d } = await deal(f, { callback: await probe.getAddress() });
        // 60 kB of callback data: encoding the payload costs the task manager ~6k gas of copying.
        const data = ethers.hexlify(randomBytes(60_000));
        const p = await fastProof(f, dealId, d, 0n, f.actors.worker1.address, {
          digest: keccak256(data),
          callbackData: data,
        });
        const tm = await f.taskManager.getAddress();
        const call = f.taskManager.interface.encodeFunctionData("pushResult", [
          dealId,
          d,
          p.result,
          p.authorization,
        ]);
        // The smallest inner gas for which pushResult succeeds (a relayer is not bound by the
        // transaction's calldata floor price, so it can pick it exactly).
        let lo = 100_000n;
        let hi = 2_000_000n;
        while (hi - lo > 64n) {
          const mid = (lo + hi) / 2n;
          try {
            await relay.relay.staticCall(tm, call, mid, { gasLimit: 16_000_000n });
            hi = mid;
          } catch {
            lo = mid;
          }
        }
        await relay.relay(tm, call, hi, { gasLimit: 16_000_000n });
        const cap = await f.taskManager.callbackGas();
        expect(await probe.lastGas()).to.be.greaterThan(cap - 1_000n);
      });

      it("reverts with CallbackGasInsufficient when the caller forwards too little gas", async () => {
        const f = await networkHelpers.loadFixture(callbackDealFixture);
        await f.taskManager.setCallbackGas(5_000_000n);
        const relay = await new GasLimitedRelay__factory(f.actors.stranger).deploy();
        const data = "0xbeef";
        const p = await fastProof(f, f.dealId, f.deal, 0n, f.actors.worker1.address, {
          digest: keccak256(data),
          callbackData: data,
        });
        const call = f.taskManager.interface.encodeFunctionData("pushResult", [
          f.dealId,
          f.deal,
          p.result,
          p.authorization,
        ]);
        const required = 5_000_000n + 5_000_000n / 63n + 5_000n;
        await expect(relay.relay(await f.taskManager.getAddress(), call, 2_000_000n))
          .to.be.revertedWithCustomError(f.taskManager, "CallbackGasInsufficient")
          .withArgs(anyUint, required);
        await expect(
          f.taskManager
            .connect(f.actors.worker1)
            .pushResult(f.dealId, f.deal, p.result, p.authorization, { gasLimit: 3_000_000n }),
        )
          .to.be.revertedWithCustomError(f.taskManager, "CallbackGasInsufficient")
          .withArgs(anyUint, required);
        expect((await f.taskManager.taskOf(p.taskId)).status).to.equal(TaskStatus.Unset);
        await relay.relay(await f.taskManager.getAddress(), call, 6_000_000n);
        expect(await f.recorder.calls()).to.equal(1n);
      });

      it("completes and pays the task when the callback burns all its gas", async () => {
        const f = await networkHelpers.loadFixture(marketFixture);
        const burner = await new GasBurnerCallback__factory(f.actors.requester).deploy();
        const { dealId, deal: d } = await deal(f, { callback: await burner.getAddress() });
        const p = await fastProof(f, dealId, d, 0n, f.actors.worker1.address, {
          digest: keccak256("0x"),
          callbackData: "0x",
        });
        const tx = push(f, dealId, d, p);
        await expect(tx)
          .to.emit(f.taskManager, "CallbackExecuted")
          .withArgs(p.taskId, await burner.getAddress(), false);
        const receipt = (await (await tx).wait())!;
        expect(receipt.gasUsed).to.be.lessThan(200_000n + 100_000n + 50_000n);
        expect((await f.taskManager.taskOf(p.taskId)).status).to.equal(TaskStatus.Completed);
        expect((await f.hub.accountOf(f.actors.worker1.address))[0]).to.equal(104n * ONE);
      });

      it("ignores a return-data bomb without copying it", async () => {
        const f = await networkHelpers.loadFixture(marketFixture);
        const bomb = await new ReturnBombCallback__factory(f.actors.requester).deploy(150_000n);
        const { dealId, deal: d } = await deal(f, { callback: await bomb.getAddress() });
        const p = await fastProof(f, dealId, d, 0n, f.actors.worker1.address, {
          digest: keccak256("0x"),
          callbackData: "0x",
        });
        const tx = push(f, dealId, d, p);
        await expect(tx)
          .to.emit(f.taskManager, "CallbackExecuted")
          .withArgs(p.taskId, await bomb.getAddress(), false);
        // Copying 150 kB back would cost the caller ~70k gas on top of the callee's own use.
        const receipt = (await (await tx).wait())!;
        expect(receipt.gasUsed).to.be.lessThan(350_000n);
      });

      async function reentrantFixture() {
        const f = await marketFixture();
        const attacker = await new ReentrantCallback__factory(f.actors.requester).deploy();
        const a = await attacker.getAddress();
        await f.token.faucet(a, 10n * ONE);
        await attacker.execute(
          await f.token.getAddress(),
          f.token.interface.encodeFunctionData("approve", [await f.hub.getAddress(), 10n * ONE]),
        );
        await attacker.execute(
          await f.hub.getAddress(),
          f.hub.interface.encodeFunctionData("deposit", [10n * ONE]),
        );
        const created = await deal(f, { volume: 3n, callback: a });
        await f.taskManager.setCallbackGas(1_000_000n);
        return { ...f, ...created, attacker };
      }

      async function pushWithCallback(
        f: Awaited<ReturnType<typeof reentrantFixture>>,
        index: bigint,
      ) {
        const p = await fastProof(f, f.dealId, f.deal, index, f.actors.worker1.address, {
          digest: keccak256("0x"),
          callbackData: "0x",
        });
        await expect(push(f, f.dealId, f.deal, p))
          .to.emit(f.taskManager, "CallbackExecuted")
          .withArgs(p.taskId, await f.attacker.getAddress(), true);
        return p;
      }

      it("blocks a callback that re-enters pushResult for another task", async () => {
        const f = await networkHelpers.loadFixture(reentrantFixture);
        const next = await fastProof(f, f.dealId, f.deal, 1n, f.actors.worker1.address, {
          digest: keccak256("0x"),
          callbackData: "0x",
        });
        await f.attacker.arm(
          await f.taskManager.getAddress(),
          f.taskManager.interface.encodeFunctionData("pushResult", [
            f.dealId,
            f.deal,
            next.result,
            next.authorization,
          ]),
        );
        const before = await balancesOf(f, [f.actors.worker1.address, f.actors.requester.address]);
        await pushWithCallback(f, 0n);
        expect(await f.attacker.attempted()).to.equal(true);
        expect(await f.attacker.reentrySucceeded()).to.equal(false);
        expect(await f.attacker.reentryResult()).to.equal(
          f.taskManager.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []),
        );
        expect((await f.taskManager.taskOf(next.taskId)).status).to.equal(TaskStatus.Unset);
        const after = await balancesOf(f, [f.actors.worker1.address, f.actors.requester.address]);
        expect(
          after[f.actors.worker1.address].stake - before[f.actors.worker1.address].stake,
        ).to.equal(4n * ONE);
        expect(
          before[f.actors.requester.address].locked - after[f.actors.requester.address].locked,
        ).to.equal(10n * ONE);
        await expectConserved(f, [await f.attacker.getAddress()]);
      });

      it("blocks a callback that re-enters claim", async () => {
        const f = await networkHelpers.loadFixture(reentrantFixture);
        await f.attacker.arm(
          await f.taskManager.getAddress(),
          f.taskManager.interface.encodeFunctionData("claim", [f.dealId, f.deal, 1n]),
        );
        await pushWithCallback(f, 0n);
        expect(await f.attacker.reentrySucceeded()).to.equal(false);
        expect((await f.taskManager.taskOf(computeTaskId(f.dealId, 1n))).status).to.equal(
          TaskStatus.Unset,
        );
        await expectConserved(f, [await f.attacker.getAddress()]);
      });

      it("lets a callback withdraw only its own funds, with no double payment", async () => {
        const f = await networkHelpers.loadFixture(reentrantFixture);
        const a = await f.attacker.getAddress();
        await f.attacker.arm(
          await f.hub.getAddress(),
          f.hub.interface.encodeFunctionData("withdraw", [10n * ONE]),
        );
        const held = await f.token.balanceOf(await f.hub.getAddress());
        await pushWithCallback(f, 0n);
        expect(await f.attacker.reentrySucceeded()).to.equal(true);
        expect(await f.token.balanceOf(a)).to.equal(10n * ONE);
        expect(await f.hub.accountOf(a)).to.deep.equal([0n, 0n]);
        expect(await f.token.balanceOf(await f.hub.getAddress())).to.equal(held - 10n * ONE);
        // A second withdraw from the next callback finds nothing left.
        await pushWithCallback(f, 1n);
        expect(await f.attacker.reentrySucceeded()).to.equal(false);
        expect(await f.token.balanceOf(a)).to.equal(10n * ONE);
        await expectConserved(f, [a]);
      });
    });
  });

  describe("pushResults", () => {
    it("completes a batch of tasks in one scheduler transaction and pays every party", async () => {
      const f = await networkHelpers.loadFixture(teeDealFixture);
      const { requester, appOwner, datasetOwner, poolOwner, worker1, worker2 } = f.actors;
      const parties = [requester, appOwner, datasetOwner, poolOwner, worker1, worker2].map(
        (a) => a.address,
      );
      const before = await balancesOf(f, parties);
      const proofs = [
        await fastProof(f, f.dealId, f.deal, 0n, worker1.address),
        await fastProof(f, f.dealId, f.deal, 1n, worker2.address),
        await fastProof(f, f.dealId, f.deal, 3n, worker1.address),
      ];
      const tx = f.taskManager.connect(poolOwner).pushResults(
        f.dealId,
        f.deal,
        proofs.map((p) => p.result),
      );
      await expect(tx)
        .to.emit(f.hub, "Seized")
        .withArgs(requester.address, 30n * ONE, f.dealId);
      await expect(tx)
        .to.emit(f.hub, "Rewarded")
        .withArgs(appOwner.address, 9n * ONE, f.dealId);
      await expect(tx)
        .to.emit(f.hub, "Rewarded")
        .withArgs(datasetOwner.address, 6n * ONE, f.dealId);
      await expect(tx)
        .to.emit(f.hub, "Unlocked")
        .withArgs(poolOwner.address, 3n * STAKE, f.dealId);
      await expect(tx)
        .to.emit(f.hub, "Rewarded")
        .withArgs(poolOwner.address, 3n * ONE, f.dealId);
      for (const p of proofs) {
        await expect(tx)
          .to.emit(f.hub, "Rewarded")
          .withArgs(p.result.worker, 4n * ONE, p.taskId);
        await expect(tx)
          .to.emit(f.taskManager, "TaskCompleted")
          .withArgs(
            p.taskId,
            f.dealId,
            p.result.worker,
            p.result.index,
            p.result.resultDigest,
            p.result.receiptHash,
            p.result.enclave,
            p.result.results,
          );
        expect((await f.taskManager.taskOf(p.taskId)).status).to.equal(TaskStatus.Completed);
      }
      const after = await balancesOf(f, parties);
      const gain = (a: string) =>
        after[a].stake + after[a].locked - before[a].stake - before[a].locked;
      expect(parties.map(gain)).to.deep.equal([
        -30n * ONE,
        9n * ONE,
        6n * ONE,
        3n * ONE,
        8n * ONE,
        4n * ONE,
      ]);
      expect((await f.taskManager.taskOf(computeTaskId(f.dealId, 2n))).status).to.equal(
        TaskStatus.Unset,
      );
      await expectConserved(f);
    });

    it("reverts with TaskNotScheduler for anyone but the scheduler", async () => {
      const f = await networkHelpers.loadFixture(teeDealFixture);
      const p = await fastProof(f, f.dealId, f.deal, 0n, f.actors.worker1.address);
      await expect(
        f.taskManager.connect(f.actors.worker1).pushResults(f.dealId, f.deal, [p.result]),
      )
        .to.be.revertedWithCustomError(f.taskManager, "TaskNotScheduler")
        .withArgs(f.dealId, f.actors.worker1.address);
    });

    it("reverts with TaskBatchInvalid for an empty batch or one larger than the deal", async () => {
      const f = await networkHelpers.loadFixture(teeDealFixture);
      const tm = f.taskManager.connect(f.actors.poolOwner);
      await expect(tm.pushResults(f.dealId, f.deal, []))
        .to.be.revertedWithCustomError(f.taskManager, "TaskBatchInvalid")
        .withArgs(0n);
      const p = await fastProof(f, f.dealId, f.deal, 0n, f.actors.worker1.address);
      await expect(tm.pushResults(f.dealId, f.deal, Array(5).fill(p.result)))
        .to.be.revertedWithCustomError(f.taskManager, "TaskBatchInvalid")
        .withArgs(5n);
    });

    it("reverts with TaskStatusInvalid when a batch repeats a task, paying nothing", async () => {
      const f = await networkHelpers.loadFixture(teeDealFixture);
      const p = await fastProof(f, f.dealId, f.deal, 0n, f.actors.worker1.address);
      const before = await balancesOf(f, [f.actors.worker1.address]);
      await expect(
        f.taskManager
          .connect(f.actors.poolOwner)
          .pushResults(f.dealId, f.deal, [p.result, p.result]),
      )
        .to.be.revertedWithCustomError(f.taskManager, "TaskStatusInvalid")
        .withArgs(p.taskId, TaskStatus.Completed);
      expect(await balancesOf(f, [f.actors.worker1.address])).to.deep.equal(before);
      expect((await f.taskManager.taskOf(p.taskId)).status).to.equal(TaskStatus.Unset);
    });

    it("rejects the whole batch when one result has a bad attestation", async () => {
      const f = await networkHelpers.loadFixture(teeDealFixture);
      const good = await fastProof(f, f.dealId, f.deal, 0n, f.actors.worker1.address);
      const bad = await fastProof(f, f.dealId, f.deal, 1n, f.actors.worker1.address, {
        verifier: Wallet.createRandom(),
      });
      await expect(
        f.taskManager
          .connect(f.actors.poolOwner)
          .pushResults(f.dealId, f.deal, [good.result, bad.result]),
      ).to.be.revertedWithCustomError(f.taskManager, "TaskAttestationInvalid");
      expect((await f.taskManager.taskOf(good.taskId)).status).to.equal(TaskStatus.Unset);
    });

    it("calls the callback of every task of the batch", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const recorder = await new CallbackRecorder__factory(f.actors.requester).deploy();
      const { dealId, deal: d } = await deal(f, {
        volume: 2n,
        callback: await recorder.getAddress(),
      });
      const results = [];
      for (const i of [0n, 1n]) {
        const data = ethers.toBeHex(i + 1n, 4);
        results.push(
          (
            await fastProof(f, dealId, d, i, f.actors.worker1.address, {
              digest: keccak256(data),
              callbackData: data,
            })
          ).result,
        );
      }
      await f.taskManager.connect(f.actors.poolOwner).pushResults(dealId, d, results);
      expect(await recorder.calls()).to.equal(2n);
      expect(await recorder.lastData()).to.equal("0x00000002");
    });
  });

  describe("kitty", () => {
    it("pays a share of the kitty to the pool owner when a task completes", async () => {
      const f = await networkHelpers.loadFixture(teeDealFixture);
      const other = await deal(f, { volume: 1n });
      await networkHelpers.time.increaseTo(finalDeadline(other.deal));
      await f.taskManager.claim(other.dealId, other.deal, 0n);
      expect(await f.hub.kitty()).to.equal(STAKE);
      // A fresh deal (the first one's deadline has passed too).
      const fresh = await deal(f, { volume: 1n });
      const p = await fastProof(f, fresh.dealId, fresh.deal, 0n, f.actors.worker1.address);
      const tx = push(f, fresh.dealId, fresh.deal, p);
      // 10% of 1.5 is below the 1-token minimum: the pool owner gets one token.
      await expect(tx).to.emit(f.hub, "KittyDrained").withArgs(ONE, p.taskId);
      await expect(tx)
        .to.emit(f.hub, "Rewarded")
        .withArgs(f.actors.poolOwner.address, ONE, p.taskId);
      expect(await f.hub.kitty()).to.equal(STAKE - ONE);
      await expectConserved(f);
    });
  });
});
