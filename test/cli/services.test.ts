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
import { startServices, type Services } from "./helpers/services.js";
import { OrderKind } from "../../src/core/index.js";

const PASSWORD = { POLIS_PASSWORD: "services-password" };

describe("polis CLI with the real market and SMS", function () {
  this.timeout(120_000);
  let env: PolisEnv;
  let p: Providers;
  let services: Services;
  let requester: string;
  /** Order hashes published by the first test: app, dataset, workerpool. */
  const published: string[] = [];
  const as = (wallet: string, args: string[]) =>
    env.polis(
      [
        "--json",
        "--wallet",
        wallet,
        "--market",
        services.marketUrl,
        "--sms",
        services.smsUrl,
        ...args,
      ],
      { env: PASSWORD },
    );

  before(async () => {
    env = await startPolisEnv();
    p = await setUpProviders(env, "svc");
    services = await startServices(env);
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
    await services?.stop();
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
    published.push(a.json.orderHash, d.json.orderHash, w.json.orderHash);
    // The market accepted each one as the chain hashes it, signed by the asset's owner.
    for (const [i, hash] of published.entries()) {
      const listed = await services.market.getOrder(hash);
      expect(listed.kind).to.equal([OrderKind.App, OrderKind.Dataset, OrderKind.Workerpool][i]);
      expect(listed.remaining).to.equal(5n);
    }
    expect((await services.market.getOrder(published[0])).signer.toLowerCase()).to.equal(
      (await p.appOwner.getAddress()).toLowerCase(),
    );
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
    expect(r.json.orders.map((o: { orderHash: string }) => o.orderHash)).to.deep.equal([
      published[2],
    ]);
    // A filter nothing matches lists nothing (trust above the pool's).
    const none = await as("requester.json", ["orderbook", "workerpool", "--min-trust", "9"]);
    expect(none.code, none.stderr).to.equal(0);
    expect(none.json.total).to.equal(0);
    const show = await as("requester.json", ["order", "show", published[0]]);
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
    expect(r.json.valueHash).to.equal(sha256Hex(Buffer.alloc(32, 7)));
    expect(await services.sms.hasSecret("dataset-key", p.dataset)).to.equal(true);
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
    expect(await services.sms.hasSecret("beneficiary-key", requester)).to.equal(false);
    const r = await as("requester.json", ["result", "push-key"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(await services.sms.hasSecret("beneficiary-key", requester)).to.equal(true);
    // The SMS refuses a requester secret over 4096 bytes: exit 1, and nothing is matched.
    const before = await env.client.hub.accountOf(requester);
    const refused = await as("requester.json", [
      "--yes",
      "run",
      p.app,
      "--dataset",
      p.dataset,
      "--tag",
      "tee",
      "--secret",
      `big=${"x".repeat(5000)}`,
    ]);
    expect(refused.code, refused.stderr).to.equal(1);
    expect(refused.json.error).to.include({ name: "RequestRejectedError", service: "SMS" });
    expect(refused.json.error.status).to.be.within(400, 499);
    expect(await env.client.hub.accountOf(requester)).to.deep.equal(before);
    expect(await services.sms.hasSecret("requester-secret", requester, "big")).to.equal(false);
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
    expect(r.json.orderHashes.slice(0, 3)).to.deep.equal(published);
    expect(await services.sms.hasSecret("requester-secret", requester, "apiKey")).to.equal(true);
    expect(r.json.requestOrder.params).to.equal('{"args":"--fast","secrets":["apiKey"]}');
  });

  it("unpublishes every order of an asset by cancelling it on-chain", async () => {
    const r = await as("app-owner.json", ["app", "unpublish", p.app, "--all"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.json.cancelled).to.deep.equal([published[0]]);
    expect(await env.client.hub.consumed(published[0])).to.equal(5n);
  });
});
