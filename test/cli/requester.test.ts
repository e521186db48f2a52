import { expect } from "chai";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseEther } from "ethers";
import { toDeal } from "../../src/core/index.js";
import { startResultStore } from "../helpers/resultStore.js";
import type { ResultStore } from "../helpers/resultStore.js";
import { completeTask } from "../helpers/simulatedWorker.js";
import { setUpProviders, writeOffers } from "./helpers/providers.js";
import type { Providers } from "./helpers/providers.js";
import { startPolisEnv } from "./helpers/polis.js";
import type { PolisEnv } from "./helpers/polis.js";

const PASSWORD = { POLIS_PASSWORD: "requester-password" };

describe("polis CLI: requester journey (anvil)", function () {
  this.timeout(120_000);
  let env: PolisEnv;
  let p: Providers;
  let store: ResultStore;
  let requester: string;
  let publicKey: string;
  let offers: { app: string; dataset: string; workerpool: string };
  let taskId: string;
  const polis = (args: string[], extra: Record<string, string> = PASSWORD) =>
    env.polis(args, { env: extra });
  const runArgs = (o: { app: string; dataset: string; workerpool: string }) => [
    "run",
    p.app,
    "--dataset",
    p.dataset,
    "--tag",
    "tee",
    "--args",
    "--threshold 3",
    "--app-order",
    o.app,
    "--dataset-order",
    o.dataset,
    "--workerpool-order",
    o.workerpool,
  ];

  before(async () => {
    env = await startPolisEnv();
    store = await startResultStore();
    p = await setUpProviders(env);
    offers = await writeOffers(env, p, "signed");
    const init = await polis(["--json", "init"]);
    expect(init.code, init.stderr).to.equal(0);
    requester = init.json.walletAddress;
    const key = await polis(["--json", "result", "keygen"], {});
    expect(key.code, key.stderr).to.equal(0);
    publicKey = key.json.publicKey;
    const faucet = await polis(["--json", "faucet", "500"]);
    expect(faucet.code, faucet.stderr).to.equal(0);
  });
  after(async () => {
    await store?.close();
    await env?.stop();
  });

  describe("refusals (nothing is sent)", () => {
    it("refuses to run without enough free balance", async () => {
      const before = await env.anvil.blockNumber();
      const r = await polis(["--json", "--yes", ...runArgs(offers)]);
      expect(r.code).to.equal(1);
      expect(r.json.error).to.include({
        name: "ContractError",
        errorName: "EscrowInsufficientBalance",
      });
      expect(r.json.error.args).to.include({
        account: requester,
        stake: "0",
        needed: parseEther("10").toString(),
      });
      expect(r.stderr).to.contain("Your free balance is 0.0 POLIS but 10.0 is needed.");
      expect(r.json.error.hint).to.contain("polis account deposit");
      expect(await env.anvil.blockNumber()).to.equal(before);
    });

    it("refuses an unpublished (unsigned) order", async () => {
      const dep = await polis(["--json", "account", "deposit", "100"]);
      expect(dep.code, dep.stderr).to.equal(0);
      const unsigned = await writeOffers(env, p, "unsigned", { sign: false });
      const before = await env.anvil.blockNumber();
      const r = await polis(["--json", "--yes", ...runArgs({ ...offers, app: unsigned.app })]);
      expect(r.code).to.equal(1);
      expect(r.json.error).to.include({ errorName: "OrderSignatureInvalid" });
      expect(r.json.error.args.kind).to.equal("0");
      expect(await env.anvil.blockNumber()).to.equal(before);
    });

    it("refuses an expired order", async () => {
      const now = BigInt((await env.anvil.provider.getBlock("latest"))!.timestamp);
      const soon = await writeOffers(env, p, "soon", { expiry: now + 60n });
      await env.anvil.increaseTime(120);
      const before = await env.anvil.blockNumber();
      const show = await polis(["--json", "order", "show", soon.workerpool], {});
      expect(show.json).to.include({ expired: true, open: false });
      const r = await polis(["--json", "--yes", ...runArgs(soon)]);
      expect(r.code).to.equal(1);
      expect(r.json.error).to.include({ errorName: "OrderExpired" });
      expect(await env.anvil.blockNumber()).to.equal(before);
    });

    it("asks for confirmation, and refuses without a TTY or --yes", async () => {
      const before = await env.anvil.blockNumber();
      const r = await polis(["--json", ...runArgs(offers)]);
      expect(r.code).to.equal(1);
      expect(r.json.error.name).to.equal("ConfirmationRequiredError");
      expect(await env.anvil.blockNumber()).to.equal(before);
    });
  });

  describe("run, watch, download, verify, decrypt", () => {
    it("matches explicit order files, watches the deal and decrypts the verified result", async () => {
      const known = await dealIdsOf(env, requester);
      const running = polis([
        "--json",
        "--yes",
        ...runArgs(offers),
        "--watch",
        "--poll",
        "100",
        "--out",
        "out",
      ]);
      const created = await waitForDeal(env, requester, known);
      const run = await completeTask(env.client, {
        dealId: created.dealId,
        deal: created.deal,
        index: 0n,
        files: [{ path: "anomalies.txt", data: Buffer.from("2 anomalies in 1440 samples\n") }],
        beneficiaryKey: Buffer.from(publicKey, "base64"),
        store,
        scheduler: p.poolOwner,
        worker: p.worker,
        verifier: env.verifier,
      });
      taskId = run.taskId;
      const r = await running;
      expect(r.code, r.stderr).to.equal(0);
      expect(r.json.dealId).to.equal(created.dealId);
      expect(r.json.cost).to.equal(parseEther("10").toString());
      expect(r.json.tasks).to.have.length(1);
      const task = r.json.tasks[0];
      expect(task).to.include({ taskId, status: "completed" });
      expect(task.result).to.include({ resultDigest: run.digest, encrypted: true });
      expect(task.result.files).to.deep.equal(["anomalies.txt"]);
      const text = await readFile(join(env.dir, "out", taskId, "anomalies.txt"), "utf8");
      expect(text).to.equal("2 anomalies in 1440 samples\n");
      expect(existsSync(join(env.dir, "out", taskId, ".polis"))).to.equal(false);
      expect(r.stderr).to.match(/Tasks done: 1\/1/); // plain progress lines when not a TTY
    });

    it("shows the deal checked against its on-chain hash, and its task", async () => {
      const task = await polis(["--json", "task", "show", taskId], {});
      expect(task.code, task.stderr).to.equal(0);
      expect(task.json.status).to.equal("completed");
      expect(task.json.completion.resultUrl).to.match(
        /^http:\/\/127\.0\.0\.1:\d+\/results\/[0-9a-f]{64}$/,
      );
      const deal = await polis(["--json", "deal", "show", task.json.dealId], {});
      expect(deal.code, deal.stderr).to.equal(0);
      expect(deal.json.counts.completed).to.equal(1);
      expect(deal.json.deal.requester).to.equal(requester);
      expect(deal.json.params).to.equal('{"args":"--threshold 3"}');
      expect(deal.json.tags).to.deep.equal(["tee"]);
    });

    it("refuses a wrong beneficiary key", async () => {
      const other = await polis(["--json", "result", "keygen", "--out", "other-key.pem"], {});
      expect(other.code, other.stderr).to.equal(0);
      const r = await polis(
        ["--json", "result", "download", taskId, "--key", "other-key.pem", "--out", "wrong"],
        {},
      );
      expect(r.code).to.equal(1);
      expect(r.json.error).to.include({ name: "WrongResultKeyError", taskId });
      expect(existsSync(join(env.dir, "wrong", taskId))).to.equal(false);
    });

    it("downloads the raw blob and decrypts it separately", async () => {
      const raw = await polis(
        ["--json", "result", "download", taskId, "--raw", "--out", "raw"],
        {},
      );
      expect(raw.code, raw.stderr).to.equal(0);
      const dec = await polis(
        ["--json", "result", "decrypt", raw.json.file, "--task", taskId, "--out", "dec"],
        {},
      );
      expect(dec.code, dec.stderr).to.equal(0);
      expect(dec.json).to.include({ verified: true });
      expect(dec.json.files).to.deep.equal(["anomalies.txt"]);
    });

    it("refuses a result the store tampered with (exit 2, integrity)", async () => {
      const task = await polis(["--json", "task", "show", taskId], {});
      const path = new URL(task.json.completion.resultUrl).pathname;
      store.overrides.set(path, Buffer.from("not the committed bytes"));
      try {
        const r = await polis(["--json", "result", "download", taskId, "--out", "tampered"], {});
        expect(r.code).to.equal(2);
        expect(r.json.error.name).to.equal("IntegrityError");
      } finally {
        store.overrides.delete(path);
      }
    });
  });

  describe("claims", () => {
    it("refunds unfinished tasks after the final deadline, not before", async () => {
      const r = await polis(["--json", "--yes", ...runArgs(offers), "--volume", "2"]);
      expect(r.code, r.stderr).to.equal(0);
      const dealId = r.json.dealId;
      const locked = (await env.client.hub.accountOf(requester))[1];
      expect(locked).to.equal(parseEther("20"));
      const deal = await polis(["--json", "deal", "show", dealId], {});
      const firstTask = deal.json.tasks[0].taskId;
      const early = await polis(["--json", "task", "claim", firstTask, "--deal", dealId]);
      expect(early.code).to.equal(1);
      expect(early.json.error).to.include({ errorName: "TaskFinalDeadlineNotReached" });
      await env.anvil.increaseTime(3001);
      const claim = await polis(["--json", "deal", "claim", dealId]);
      expect(claim.code, claim.stderr).to.equal(0);
      expect(claim.json.claimed).to.deep.equal([
        deal.json.tasks[0].index,
        deal.json.tasks[1].index,
      ]);
      expect((await env.client.hub.accountOf(requester))[1]).to.equal(0n);
      const after = await polis(["--json", "deal", "show", dealId], {});
      expect(after.json.counts.failed).to.equal(2);
    });
  });
});

/** Deal ids of the requester so far. */
async function dealIdsOf(env: PolisEnv, requester: string): Promise<Set<string>> {
  const hub = env.client.hub;
  const events = await hub.queryFilter(hub.filters.DealCreated(undefined, requester), 0);
  return new Set(events.map((e) => e.args.dealId));
}

/** Waits for a DealCreated event of the requester not in `known`. */
async function waitForDeal(env: PolisEnv, requester: string, known: Set<string>) {
  const hub = env.client.hub;
  const start = Date.now();
  for (;;) {
    const events = await hub.queryFilter(hub.filters.DealCreated(undefined, requester), 0);
    const fresh = events.find((e) => !known.has(e.args.dealId));
    if (fresh) return { dealId: fresh.args.dealId, deal: toDeal(fresh.args.deal) };
    if (Date.now() - start > 30_000) throw new Error("no deal was created");
    await new Promise((r) => setTimeout(r, 100));
  }
}
