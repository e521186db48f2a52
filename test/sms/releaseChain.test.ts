import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { ZeroAddress } from "ethers";
import { finalDeadline, contributionDeadline } from "../../src/core/deal.js";
import { generateX25519KeyPair } from "../../src/core/crypto/x25519.js";
import { networkHelpers } from "../helpers/fixture.js";
import { fastProof } from "../helpers/market.js";
import { buildSession, openSecrets, resign } from "./helpers/enclaveClient.js";
import { expectDenied, postSession } from "./helpers/expect.js";
import { platform, startSms, type SmsHarness } from "./helpers/harness.js";
import {
  loadFixture,
  marketFixture,
  matchDeal,
  teeDealFixture,
  type DealContext,
} from "./helpers/deals.js";
import { pushSecret } from "./helpers/pushClient.js";
import { ERC1271Wallet__factory } from "../../types/index.js";

const { time } = networkHelpers;

describe("SMS key release: chain state", () => {
  let h: SmsHarness;
  const datasetKey = randomBytes(32);
  const secretValues = [datasetKey.toString("base64")];
  const beneficiary = generateX25519KeyPair();

  async function provision(ctx: DealContext) {
    h = await startSms(ctx.f);
    const { f, assets } = ctx;
    const push = (
      signer: typeof f.actors.requester,
      kind: Parameters<typeof pushSecret>[0]["kind"],
      target: string,
      value: Uint8Array,
      name?: string,
    ) => pushSecret({ url: h.url, chainId: f.chainId, signer, kind, target, value, name });
    expect(
      (await push(f.actors.datasetOwner, "dataset-key", assets.dataset, datasetKey)).status,
    ).to.equal(200);
    expect(
      (
        await push(
          f.actors.requester,
          "beneficiary-key",
          f.actors.requester.address,
          beneficiary.publicKey,
        )
      ).status,
    ).to.equal(200);
  }
  afterEach(async () => h?.stop());

  const session = (ctx: DealContext, o: Partial<Parameters<typeof buildSession>[2]> = {}) =>
    buildSession(ctx.f, h.url, {
      dealId: ctx.dealId,
      deal: ctx.deal,
      worker: ctx.f.actors.worker1,
      platform,
      ...o,
    });

  describe("task state", () => {
    it("refuses a task that is already COMPLETED", async () => {
      const ctx = await loadFixture(teeDealFixture);
      await provision(ctx);
      const { f, dealId, deal } = ctx;
      const proof = await fastProof(f, dealId, deal, 0n, f.actors.worker2.address);
      await (
        await f.taskManager
          .connect(f.actors.worker2)
          .pushResult(dealId, deal, proof.result, proof.authorization)
      ).wait();
      expect((await f.taskManager.taskOf(proof.taskId)).status).to.equal(3n);
      await expectDenied(
        h,
        (await session(ctx, { index: 0n })).request,
        "TaskNotActive",
        secretValues,
      );
      // Another task of the same deal is still served.
      expect((await postSession(h, (await session(ctx, { index: 1n })).request)).status).to.equal(
        200,
      );
    });

    it("refuses a task that FAILED (claimed after its final deadline)", async () => {
      const ctx = await loadFixture(teeDealFixture);
      await provision(ctx);
      const { f, dealId, deal } = ctx;
      await time.increaseTo(finalDeadline(deal) + 1n);
      await (await f.taskManager.claim(dealId, deal, 0n)).wait();
      await expectDenied(
        h,
        (await session(ctx, { index: 0n })).request,
        "TaskNotActive",
        secretValues,
      );
    });

    it("refuses a task past its contribution deadline", async () => {
      const ctx = await loadFixture(teeDealFixture);
      await provision(ctx);
      await time.increaseTo(contributionDeadline(ctx.deal));
      await expectDenied(h, (await session(ctx)).request, "TaskDeadlinePassed", secretValues);
    });

    it("refuses an unknown deal and a task index outside the deal", async () => {
      const ctx = await loadFixture(teeDealFixture);
      await provision(ctx);
      const unknown = await session(ctx);
      await expectDenied(
        h,
        await resign({ ...unknown.request, dealId: "0x" + "22".repeat(32) }, ctx.f.actors.worker1),
        "DealUnknown",
        secretValues,
      );
      await expectDenied(
        h,
        (await session(ctx, { index: 4n })).request,
        "TaskIdMismatch",
        secretValues,
      );
      const s = await session(ctx, { index: 1n });
      await expectDenied(
        h,
        await resign({ ...s.request, taskIndex: "2" }, ctx.f.actors.worker1),
        "TaskIdMismatch",
        secretValues,
      );
    });

    it("refuses a deal that is not TEE", async () => {
      const { f, assets } = await loadFixture(marketFixture);
      const ctx = await matchDeal(f, assets, { tee: false });
      await provision(ctx);
      await expectDenied(h, (await session(ctx)).request, "DealNotTee", secretValues);
    });
  });

  describe("dataset grants", () => {
    async function grantedDeal(uses: number, expiresIn = 86_400) {
      const { f, assets } = await loadFixture(marketFixture);
      const owner = f.hub.connect(f.actors.datasetOwner);
      await (await owner.setGrantsRequired(assets.dataset, true)).wait();
      const expiry = BigInt(await time.latest()) + BigInt(expiresIn);
      await (
        await owner.grantDatasetUse(
          assets.dataset,
          assets.app,
          f.actors.requester.address,
          uses,
          expiry,
        )
      ).wait();
      const ctx = await matchDeal(f, assets, { volume: 2n });
      expect(ctx.deal.grantKey).to.not.equal("0x" + "00".repeat(32));
      await provision(ctx);
      return { ctx, owner };
    }

    it("releases under a live grant", async () => {
      const { ctx } = await grantedDeal(2);
      expect((await postSession(h, (await session(ctx)).request)).status).to.equal(200);
    });

    it("refuses when the grant was revoked", async () => {
      const { ctx, owner } = await grantedDeal(2);
      await (
        await owner.revokeDatasetGrant(
          ctx.assets.dataset,
          ctx.assets.app,
          ctx.f.actors.requester.address,
        )
      ).wait();
      await expectDenied(h, (await session(ctx)).request, "DatasetGrantRevoked", secretValues);
    });

    it("refuses when the grant expired", async () => {
      const { ctx } = await grantedDeal(2, 600);
      await time.increase(700);
      await expectDenied(h, (await session(ctx)).request, "DatasetGrantExpired", secretValues);
    });

    it("refuses new tasks once the grant's uses are spent (a retry of a counted task still works)", async () => {
      const { ctx, owner } = await grantedDeal(2);
      expect((await postSession(h, (await session(ctx, { index: 0n })).request)).status).to.equal(
        200,
      );
      // The owner cuts the grant to one use: task 0 already used it.
      const expiry = BigInt(await time.latest()) + 86_400n;
      await (
        await owner.grantDatasetUse(
          ctx.assets.dataset,
          ctx.assets.app,
          ctx.f.actors.requester.address,
          1,
          expiry,
        )
      ).wait();
      await expectDenied(
        h,
        (await session(ctx, { index: 1n })).request,
        "DatasetGrantUsedUp",
        secretValues,
      );
      expect((await postSession(h, (await session(ctx, { index: 0n })).request)).status).to.equal(
        200,
      );
      expect(h.store.db.prepare("SELECT COUNT(*) AS n FROM grant_usage").get()).to.deep.equal({
        n: 1,
      });
    });

    it("refuses a deal matched before the dataset required grants", async () => {
      const ctx = await loadFixture(teeDealFixture);
      await provision(ctx);
      const owner = ctx.f.hub.connect(ctx.f.actors.datasetOwner);
      await (await owner.setGrantsRequired(ctx.assets.dataset, true)).wait();
      const expiry = BigInt(await time.latest()) + 86_400n;
      await (
        await owner.grantDatasetUse(
          ctx.assets.dataset,
          ctx.assets.app,
          ctx.f.actors.requester.address,
          10,
          expiry,
        )
      ).wait();
      await expectDenied(h, (await session(ctx)).request, "DatasetGrantMissing", secretValues);
    });
  });

  describe("secrets", () => {
    it("refuses when the dataset owner has not pushed the key", async () => {
      const ctx = await loadFixture(teeDealFixture);
      h = await startSms(ctx.f);
      await expectDenied(h, (await session(ctx)).request, "DatasetKeyMissing");
    });

    it("releases the app secret and the requester secrets the params name, and refuses a missing one", async () => {
      const { f, assets } = await loadFixture(marketFixture);
      const ctx = await matchDeal(f, assets, {
        params: '{"args":"x","secrets":["db-password","api-token"]}',
      });
      await provision(ctx);
      const push = (
        signer: typeof f.actors.requester,
        kind: "app-secret" | "requester-secret",
        target: string,
        value: string,
        name?: string,
      ) =>
        pushSecret({
          url: h.url,
          chainId: f.chainId,
          signer,
          kind,
          target,
          name,
          value: Buffer.from(value),
        });
      expect(
        (await push(f.actors.appOwner, "app-secret", assets.app, "app-s3cret")).status,
      ).to.equal(200);
      expect(
        (
          await push(
            f.actors.requester,
            "requester-secret",
            f.actors.requester.address,
            "hunter2",
            "db-password",
          )
        ).status,
      ).to.equal(200);
      await expectDenied(h, (await session(ctx)).request, "RequesterSecretMissing", [
        "hunter2",
        "app-s3cret",
      ]);
      expect(
        (
          await push(
            f.actors.requester,
            "requester-secret",
            f.actors.requester.address,
            "tok",
            "api-token",
          )
        ).status,
      ).to.equal(200);
      expect(
        (
          await push(
            f.actors.requester,
            "requester-secret",
            f.actors.requester.address,
            "other",
            "unrelated",
          )
        ).status,
      ).to.equal(200);
      const s = await session(ctx);
      const res = await postSession(h, s.request);
      expect(res.status).to.equal(200);
      const secrets = openSecrets(s, res.body);
      expect(secrets.appSecret).to.equal("app-s3cret");
      expect(secrets.requesterSecrets).to.deep.equal({
        "db-password": "hunter2",
        "api-token": "tok",
      });
    });

    it("gives a deal without dataset or secrets its statement and empty secrets", async () => {
      const { f, assets } = await loadFixture(marketFixture);
      const ctx = await matchDeal(f, assets, { withoutDataset: true });
      expect(ctx.deal.dataset).to.equal(ZeroAddress);
      h = await startSms(f);
      const s = await session(ctx);
      const res = await postSession(h, s.request);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(openSecrets(s, res.body)).to.deep.equal({ requesterSecrets: {} });
      expect(res.body.attestation).to.match(/^0x[0-9a-f]{130}$/);
    });
  });

  describe("a contract scheduler (ERC-1271), as the task manager accepts", () => {
    /** A TEE deal whose pool's scheduler is a wallet contract owned by the pool owner. */
    async function walletSchedulerDeal() {
      const { f, assets } = await marketFixture();
      const wallet = await new ERC1271Wallet__factory(f.actors.poolOwner).deploy(
        f.actors.poolOwner.address,
      );
      const walletAddress = await wallet.getAddress();
      await (
        await f.workerpoolRegistry
          .connect(f.actors.poolOwner)
          .setScheduler(assets.workerpool, walletAddress)
      ).wait();
      const ctx = await matchDeal(f, assets);
      expect(ctx.deal.scheduler).to.equal(walletAddress);
      return { ctx, wallet };
    }

    it("releases when the wallet accepts its owner's authorization", async () => {
      const { ctx } = await loadFixture(walletSchedulerDeal);
      await provision(ctx);
      const s = await session(ctx, { scheduler: ctx.f.actors.poolOwner });
      const res = await postSession(h, s.request);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(openSecrets(s, res.body).datasetKey).to.equal(datasetKey.toString("base64"));
    });

    it("refuses a stranger's authorization, a wrong magic value, a reverting and a gas-burning wallet", async () => {
      const { ctx, wallet } = await loadFixture(walletSchedulerDeal);
      await provision(ctx);
      await expectDenied(
        h,
        (await session(ctx, { scheduler: ctx.f.actors.stranger })).request,
        "WorkerAuthorizationInvalid",
        secretValues,
      );
      for (const mode of [1n, 2n, 3n]) {
        // WrongMagic, Revert, BurnGas
        await (await wallet.setMode(mode)).wait();
        await expectDenied(
          h,
          (await session(ctx, { scheduler: ctx.f.actors.poolOwner })).request,
          "WorkerAuthorizationInvalid",
          secretValues,
        );
      }
    });
  });
});
