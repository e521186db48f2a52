import { expect } from "chai";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseEther } from "ethers";
import { sha256Hex } from "../../src/core/crypto/index.js";
import { ANVIL_KEYS } from "./helpers/anvil.js";
import { setUpProviders } from "./helpers/providers.js";
import type { Providers } from "./helpers/providers.js";
import { startPolisEnv } from "./helpers/polis.js";
import type { PolisEnv } from "./helpers/polis.js";
import { startStubMarket, startStubSms } from "./helpers/stubServices.js";
import type { StubMarket, StubSms } from "./helpers/stubServices.js";

const PASSWORD = { POLIS_PASSWORD: "services-password" };

describe("polis CLI with the market and the SMS (contract stubs until they merge)", function () {
  this.timeout(120_000);
  let env: PolisEnv;
  let p: Providers;
  let market: StubMarket;
  let sms: StubSms;
  let requester: string;
  const as = (wallet: string, args: string[]) =>
    env.polis(["--json", "--wallet", wallet, "--market", market.url, "--sms", sms.url, ...args], {
      env: PASSWORD,
    });

  before(async () => {
    env = await startPolisEnv();
    p = await setUpProviders(env, "svc");
    market = await startStubMarket(env.client.hubDomain);
    sms = await startStubSms(env.client.chainId);
    for (const [file, index] of [
      ["app-owner.json", 1],
      ["pool-owner.json", 3],
      ["dataset-owner.json", 4],
    ] as const) {
      await writeFile(join(env.dir, `${file}.key`), ANVIL_KEYS[index]);
      const r = await as(file, ["wallet", "import", "--key-file", `${file}.key`]);
      expect(r.code, r.stderr).to.equal(0);
    }
    const me = await as("requester.json", ["wallet", "create"]);
    requester = me.json.address;
    expect((await as("requester.json", ["faucet", "100"])).code).to.equal(0);
    expect((await as("requester.json", ["account", "deposit", "100"])).code).to.equal(0);
  });
  after(async () => {
    await market?.close();
    await sms?.close();
    await env?.stop();
  });

  it("publishes app, dataset and workerpool orders that hash like the chain", async () => {
    const a = await as("app-owner.json", [
      "app",
      "publish",
      p.app,
      "--price",
      "3",
      "--volume",
      "5",
      "--tag",
      "tee",
      "--out",
      "pub-app.json",
    ]);
    expect(a.code, a.stderr).to.equal(0);
    const d = await as("dataset-owner.json", [
      "dataset",
      "publish",
      p.dataset,
      "--price",
      "2",
      "--volume",
      "5",
      "--app-restrict",
      p.app,
    ]);
    expect(d.code, d.stderr).to.equal(0);
    const w = await as("pool-owner.json", [
      "workerpool",
      "publish",
      p.workerpool,
      "--price",
      "5",
      "--volume",
      "5",
      "--tag",
      "tee",
    ]);
    expect(w.code, w.stderr).to.equal(0);
    expect(market.entries.map((e) => e.kindName)).to.deep.equal(["app", "dataset", "workerpool"]);
    expect(market.entries[0].orderHash).to.equal(a.json.orderHash);
    const saved = JSON.parse(await readFile(join(env.dir, "pub-app.json"), "utf8"));
    expect(await env.client.hub.hashAppOrder({ ...saved.order })).to.equal(a.json.orderHash);
  });

  it("lists the orderbook with filters and shows a published order by hash", async () => {
    const r = await as("requester.json", [
      "orderbook",
      "workerpool",
      "--min-tag",
      "tee",
      "--category",
      "0",
      "--min-trust",
      "1",
      "--page-size",
      "5",
    ]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.json.total).to.equal(1);
    const q = market.queries.at(-1)!;
    expect(q.get("minTag")).to.equal("0x" + "0".repeat(63) + "1");
    expect(q.get("category")).to.equal("0");
    expect(q.get("pageSize")).to.equal("5");
    expect(q.get("page"), "the market's pages count from 0").to.equal("0");
    const show = await as("requester.json", ["order", "show", market.entries[0].orderHash]);
    expect(show.code, show.stderr).to.equal(0);
    expect(show.json).to.include({ kind: "app", open: true, published: true });
  });

  it("pushes a dataset key signed by the owner", async () => {
    await writeFile(join(env.dir, "ds.key"), Buffer.alloc(32, 7).toString("base64"));
    const r = await as("dataset-owner.json", [
      "dataset",
      "push-secret",
      p.dataset,
      "--key",
      "ds.key",
    ]);
    expect(r.code, r.stderr).to.equal(0);
    expect(sms.pushes.at(-1)).to.deep.include({
      kind: "dataset-key",
      target: p.dataset,
      signer: await p.datasetOwner.getAddress(),
      valueHash: sha256Hex(Buffer.alloc(32, 7)),
    });
    const stranger = await as("requester.json", [
      "dataset",
      "push-secret",
      p.dataset,
      "--key",
      "ds.key",
    ]);
    expect(stranger.code).to.equal(1);
    expect(stranger.json.error.name).to.equal("NotAssetOwnerError");
  });

  it("pushes the beneficiary key, and reports an SMS refusal as a user error", async () => {
    expect((await as("requester.json", ["result", "keygen"])).code).to.equal(0);
    const r = await as("requester.json", ["result", "push-key"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(sms.pushes.at(-1)).to.include({
      kind: "beneficiary-key",
      target: requester,
      signer: requester,
    });
    sms.refuse.add(requester);
    try {
      const refused = await as("requester.json", ["result", "push-key"]);
      expect(refused.code).to.equal(1);
      expect(refused.json.error).to.include({
        name: "RequestRejectedError",
        status: 403,
        service: "SMS",
      });
    } finally {
      sms.refuse.delete(requester);
    }
  });

  it("runs with the market's best match and pushes requester secrets before matching", async () => {
    const r = await as("requester.json", [
      "--yes",
      "run",
      p.app,
      "--dataset",
      p.dataset,
      "--tag",
      "tee",
      "--secret",
      "apiKey=s3cret",
      "--args",
      "--fast",
    ]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.json.cost).to.equal(parseEther("10").toString());
    expect(r.json.orderHashes.slice(0, 3)).to.deep.equal(market.entries.map((e) => e.orderHash));
    expect(sms.pushes.at(-1)).to.deep.include({
      kind: "requester-secret",
      target: requester,
      name: "apiKey",
      signer: requester,
      valueHash: sha256Hex("s3cret"),
    });
    expect(r.json.requestOrder.params).to.equal('{"args":"--fast","secrets":["apiKey"]}');
  });

  it("unpublishes every order of an asset by cancelling it on-chain", async () => {
    const r = await as("app-owner.json", ["app", "unpublish", p.app, "--all"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.json.cancelled).to.deep.equal([market.entries[0].orderHash]);
    expect(await env.client.hub.consumed(market.entries[0].orderHash)).to.equal(5n);
  });
});
