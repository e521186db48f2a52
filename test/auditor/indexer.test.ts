import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  checkIntegrity,
  createAuditor,
  openAuditorStore,
  verifyTaskEvidence,
} from "../../src/auditor/index.js";
import type { Auditor } from "../../src/auditor/index.js";
import type { PolisClient } from "../../src/sdk/client.js";
import { ONE, deployFixture, ethers, networkHelpers } from "../helpers/fixture.js";
import type { PolisFixture } from "../helpers/fixture.js";
import { clientOf, get, post, silentLogger } from "../market/helpers.js";
import { buildHistory } from "./history.js";
import type { History } from "./history.js";

describe("auditor", () => {
  let f: PolisFixture;
  let h: History;
  let client: PolisClient;
  let auditor: Auditor;

  async function setup() {
    const fx = await deployFixture();
    return { fx, history: await buildHistory(fx) };
  }

  before(async () => {
    const s = await networkHelpers.loadFixture(setup);
    f = s.fx;
    h = s.history;
    client = await clientOf(f);
    auditor = createAuditor(
      { client, logger: silentLogger },
      { port: 0, confirmations: 0, watch: false, defaultMetrics: false },
    );
    await auditor.start();
    await auditor.indexer.syncOnce();
  });
  after(async () => auditor.stop());

  const lc = (s: string) => s.toLowerCase();

  describe("indexer", () => {
    it("indexes deals with their order hashes, params and full deal", async () => {
      const res = await get(`${auditor.url}/v1/deals/${h.teeDeal.dealId}`);
      expect(res.status).to.equal(200);
      expect(res.body.requester).to.equal(lc(f.actors.requester.address));
      expect(res.body.appOrderHash).to.match(/^0x[0-9a-f]{64}$/);
      expect(res.body.params).to.equal('{"args":"--threshold 3"}');
      expect(res.body.deal.botSize).to.equal("2");
      expect(res.body.tasks.map((t: any) => t.status)).to.deep.equal(["Completed", "Failed"]);
      const names = res.body.timeline.map((e: any) => e.name);
      expect(names).to.include.members(["DealCreated", "Locked", "TaskCompleted", "TaskFailed"]);
    });

    it("lists deals by requester, dataset, workerpool and app", async () => {
      for (const q of [
        `requester=${f.actors.requester.address}`,
        `dataset=${h.assets.dataset}`,
        `workerpool=${h.assets.workerpool}`,
        `app=${h.assets.app}`,
      ]) {
        const res = await get(`${auditor.url}/v1/deals?${q}`);
        expect(res.body.total, q).to.equal(3);
      }
      const none = await get(`${auditor.url}/v1/deals?requester=${f.actors.stranger.address}`);
      expect(none.body.total).to.equal(0);
      const bad = await get(
        `${auditor.url}/v1/deals?requester=${encodeURIComponent("' OR 1=1 --")}`,
      );
      expect(bad.status).to.equal(400);
    });

    it("records task timelines, contributions, reveals and worker scores", async () => {
      const res = await get(`${auditor.url}/v1/tasks/${h.replicatedDeal.taskId}`);
      expect(res.body.status).to.equal("Completed");
      expect(res.body.contributions).to.have.length(2);
      expect(res.body.contributions.every((c: any) => c.revealedDigest)).to.equal(true);
      const names = res.body.timeline.map((e: any) => e.name);
      expect(names).to.include.members([
        "TaskInitialized",
        "TaskContributed",
        "TaskConsensusReached",
        "TaskRevealed",
        "TaskCompleted",
        "WorkerScoreUpdated",
      ]);
    });

    it("shows every use of a dataset and by which app", async () => {
      const res = await get(`${auditor.url}/v1/datasets/${h.assets.dataset}/usage`);
      expect(res.body.byApp).to.have.length(1);
      expect(res.body.byApp[0]).to.include({
        app: lc(h.assets.app),
        appName: "history-app",
        deals: 3,
        tasks: 4,
        completed: 3,
      });
      expect(res.body.uses).to.have.length(3);
    });

    it("lists payments to an address", async () => {
      const res = await get(`${auditor.url}/v1/accounts/${f.actors.appOwner.address}/payments`);
      expect(res.body.total).to.equal(3);
      expect(res.body.items.every((m: any) => m.kind === "Rewarded")).to.equal(true);
      const total = res.body.items.reduce((s: bigint, m: any) => s + BigInt(m.amount), 0n);
      const [stake] = await f.hub.accountOf(f.actors.appOwner.address);
      expect(total).to.equal(stake);
      const all = await get(
        `${auditor.url}/v1/accounts/${f.actors.requester.address}/payments?kinds=Deposited,Withdrawn`,
      );
      expect(all.body.items.map((m: any) => m.kind).sort()).to.deep.equal([
        "Deposited",
        "Withdrawn",
      ]);
    });

    it("serves asset pages with grants and search for every kind of id", async () => {
      const asset = await get(`${auditor.url}/v1/assets/${h.assets.dataset}`);
      expect(asset.body).to.include({
        kind: "dataset",
        name: "history-dataset",
        owner: lc(f.actors.datasetOwner.address),
      });
      expect(asset.body.grants).to.have.length(1);
      expect(asset.body.grants[0].used).to.equal("1");
      const search = async (q: string) => (await get(`${auditor.url}/v1/search?q=${q}`)).body;
      expect((await search(h.teeDeal.dealId)).type).to.equal("deal");
      expect((await search(h.teeDeal.completedTask)).type).to.equal("task");
      expect((await search(h.assets.app)).type).to.equal("asset");
      expect((await search(f.actors.worker1.address)).type).to.equal("address");
      expect((await search(h.cancelledOrder)).type).to.equal("order");
      const deal = (await get(`${auditor.url}/v1/deals/${h.teeDeal.dealId}`)).body;
      expect(await search(deal.requestOrderHash)).to.deep.include({
        type: "order",
        dealIds: [lc(h.teeDeal.dealId)],
      });
      expect((await search("0x" + "12".repeat(32))).type).to.equal("none");
      expect(
        (await get(`${auditor.url}/v1/search?q=robert');DROP TABLE deals;--`)).status,
      ).to.equal(400);
    });

    it("resumes after a restart without missing or double-counting events", async () => {
      const dir = mkdtempSync(join(tmpdir(), "polis-auditor-"));
      const init = { port: 0, confirmations: 0, watch: false, defaultMetrics: false };
      try {
        const path = join(dir, "auditor.db");
        const first = createAuditor({ client, logger: silentLogger }, { ...init, dbPath: path });
        await first.start();
        await first.indexer.syncOnce();
        const stoppedAt = first.store.checkpoint();
        await first.stop();
        // Chain activity while the auditor is down.
        await (await f.hub.connect(f.actors.appOwner).withdraw(ONE)).wait();
        await (await f.hub.connect(f.actors.poolOwner).withdraw(ONE)).wait();
        const second = createAuditor({ client, logger: silentLogger }, { ...init, dbPath: path });
        await second.start();
        expect(second.store.checkpoint()).to.equal(stoppedAt);
        const p = await second.indexer.syncOnce();
        expect(p.events).to.equal(2);
        expect(p.checkpoint).to.equal(await ethers.provider.getBlockNumber());
        expect((await second.indexer.syncOnce()).events).to.equal(0);
        const fresh = createAuditor({ client, logger: silentLogger }, init);
        await fresh.start();
        await fresh.indexer.syncOnce();
        for (const sql of [
          "SELECT * FROM accounts ORDER BY address",
          "SELECT block, log_index, name FROM events ORDER BY block, log_index",
          "SELECT * FROM meta ORDER BY key",
          "SELECT deal_id, deal_hash FROM deals ORDER BY deal_id",
        ]) {
          expect(second.store.all(sql), sql).to.deep.equal(fresh.store.all(sql));
        }
        await second.stop();
        await fresh.stop();
        await auditor.indexer.syncOnce();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("checkIntegrity", () => {
    it("passes on an honest index: conservation, balances, deal hashes, task evidence", async () => {
      await auditor.indexer.syncOnce();
      const report = await checkIntegrity({ client, store: auditor.store });
      expect(report.checks.map((c) => [c.id, c.ok, c.failures])).to.deep.equal([
        ["escrow-conservation", true, []],
        ["account-balances", true, []],
        ["transaction-conservation", true, []],
        ["deal-hashes", true, []],
        ["task-evidence", true, []],
      ]);
      expect(report.ok).to.equal(true);
    });

    it("detects a tampered balance, movement and deal hash", async () => {
      const store = openAuditorStore(":memory:");
      const copy = createAuditor(
        { client, logger: silentLogger, store },
        { port: 0, confirmations: 0, watch: false, defaultMetrics: false },
      );
      await copy.indexer.syncOnce();
      store.run("UPDATE accounts SET stake = '1' WHERE address = ?", lc(f.actors.appOwner.address));
      store.run(
        "UPDATE movements SET amount = '1' WHERE kind = 'Rewarded' AND rowid = (SELECT MIN(rowid) FROM movements WHERE kind = 'Rewarded')",
      );
      store.run(
        "UPDATE deals SET deal_hash = ? WHERE deal_id = ?",
        "0x" + "00".repeat(32),
        lc(h.grantDeal.dealId),
      );
      const report = await checkIntegrity({ client, store }, { tasks: false });
      const failed = Object.fromEntries(report.checks.map((c) => [c.id, c.ok]));
      expect(failed).to.deep.equal({
        "escrow-conservation": false,
        "account-balances": false,
        "transaction-conservation": false,
        "deal-hashes": false,
      });
      expect(report.ok).to.equal(false);
      store.close();
    });
  });

  describe("verifyTaskEvidence", () => {
    it("passes every step of a TEE fast-path task and skips the off-chain steps when no checks are plugged in", async () => {
      const evidence = await verifyTaskEvidence(client, h.teeDeal.completedTask);
      expect(evidence.ok).to.equal(true);
      expect(evidence.steps.map((s) => [s.id, s.status])).to.deep.equal([
        ["task-completed", "pass"],
        ["deal", "pass"],
        ["orders", "pass"],
        ["scheduler-authorization", "pass"],
        ["enclave-signature", "pass"],
        ["attestation", "pass"],
        ["certificate-chain", "skip"],
        ["usage-receipt", "skip"],
      ]);
    });

    it("skips enclave steps for a replicated task and fails for a task that never completed", async () => {
      const rep = await verifyTaskEvidence(client, h.replicatedDeal.taskId);
      expect(rep.ok).to.equal(true);
      expect(rep.steps.find((s) => s.id === "enclave-signature")!.status).to.equal("skip");
      const failed = await verifyTaskEvidence(client, h.teeDeal.failedTask);
      expect(failed.ok).to.equal(false);
      expect(failed.steps[0]).to.include({ id: "task-completed", status: "fail" });
    });

    it("runs the checks the enclave module plugs in", async () => {
      const evidence = await verifyTaskEvidence(client, h.grantDeal.taskId, {
        usageReceipt: async (ctx) => ({
          status: "fail",
          message: `receipt ${ctx.completion.receiptHash} not found`,
        }),
      });
      expect(evidence.ok).to.equal(false);
      expect(evidence.steps.find((s) => s.id === "usage-receipt")!.status).to.equal("fail");
    });

    it("is served by POST /v1/tasks/:taskId/verify", async () => {
      const res = await post(`${auditor.url}/v1/tasks/${h.teeDeal.completedTask}/verify`, {});
      expect(res.status).to.equal(200);
      expect(res.body.ok).to.equal(true);
      const metrics = await (await fetch(`${auditor.url}/metrics`)).text();
      expect(metrics).to.match(/auditor_verify_duration_seconds_count\{ok="true"\} 1/);
    });
  });
});
