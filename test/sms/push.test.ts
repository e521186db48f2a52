import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { Wallet } from "ethers";
import { sha256Hex } from "../../src/core/crypto/bytes.js";
import { SECRET_PUSH_TYPES, smsDomain } from "../../src/core/sms.js";
import { expectNoLeak } from "./helpers/expect.js";
import { http, startSms, type SmsHarness } from "./helpers/harness.js";
import { loadFixture, teeDealFixture, type DealContext } from "./helpers/deals.js";
import { preparePush, pushSecret } from "./helpers/pushClient.js";

describe("SMS secret push", () => {
  let ctx: DealContext;
  let h: SmsHarness;
  beforeEach(async () => {
    ctx = await loadFixture(teeDealFixture);
    h = await startSms(ctx.f);
  });
  afterEach(async () => h.stop());

  const lastAudit = () =>
    h.store.db.prepare("SELECT action, outcome, reason FROM audit ORDER BY seq DESC LIMIT 1").get();
  const datasetPush = (
    signer = ctx.f.actors.datasetOwner,
    value: Uint8Array = randomBytes(32),
  ) => ({
    url: h.url,
    chainId: ctx.f.chainId,
    signer,
    kind: "dataset-key" as const,
    target: ctx.assets.dataset,
    value,
  });

  async function expectRefused(res: { status: number; body: any }, status: number, reason: string) {
    expect(res.status, JSON.stringify(res.body)).to.equal(status);
    expect(res.body.error.reason).to.equal(reason);
    expect(lastAudit()).to.deep.equal({ action: "push", outcome: "denied", reason });
  }

  it("stores a dataset key pushed by the dataset's on-chain owner, and says it exists", async () => {
    const key = randomBytes(32);
    const res = await pushSecret(datasetPush(ctx.f.actors.datasetOwner, key));
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.deep.equal({ version: 1 });
    expect(h.store.secrets.get("dataset-key", ctx.assets.dataset)!.equals(key)).to.equal(true);
    const exists = await http("GET", `${h.url}/v1/secrets/dataset-key/${ctx.assets.dataset}`);
    expect(exists).to.deep.equal({ status: 200, body: { exists: true } });
    const absent = await http("GET", `${h.url}/v1/secrets/app-secret/${ctx.assets.app}`);
    expect(absent).to.deep.equal({ status: 404, body: { exists: false } });
    expect(lastAudit()).to.deep.equal({ action: "push", outcome: "granted", reason: "Stored" });
    expectNoLeak(h, [key.toString("base64")]);
  });

  it("refuses a push by a non-owner and stores nothing", async () => {
    const key = randomBytes(32);
    await expectRefused(await pushSecret(datasetPush(ctx.f.actors.stranger, key)), 403, "NotOwner");
    expect(h.store.secrets.exists("dataset-key", ctx.assets.dataset)).to.equal(false);
    const appSecret = await pushSecret({
      url: h.url,
      chainId: ctx.f.chainId,
      signer: ctx.f.actors.datasetOwner,
      kind: "app-secret",
      target: ctx.assets.app,
      value: Buffer.from("s3cret"),
    });
    await expectRefused(appSecret, 403, "NotOwner");
    const requester = await pushSecret({
      url: h.url,
      chainId: ctx.f.chainId,
      signer: ctx.f.actors.stranger,
      kind: "requester-secret",
      target: ctx.f.actors.requester.address,
      name: "db",
      value: Buffer.from("pw"),
    });
    await expectRefused(requester, 403, "NotOwner");
    expect(h.store.secrets.ids()).to.deep.equal([]);
    expectNoLeak(h, [key.toString("base64")]);
  });

  it("refuses an overwrite by a non-owner; the owner can rotate; ownership follows the token", async () => {
    const first = randomBytes(32);
    expect((await pushSecret(datasetPush(ctx.f.actors.datasetOwner, first))).status).to.equal(200);
    await expectRefused(await pushSecret(datasetPush(ctx.f.actors.stranger)), 403, "NotOwner");
    expect(h.store.secrets.get("dataset-key", ctx.assets.dataset)!.equals(first)).to.equal(true);
    const second = randomBytes(32);
    const rotated = await pushSecret(datasetPush(ctx.f.actors.datasetOwner, second));
    expect(rotated.body).to.deep.equal({ version: 2 });
    // Transfer the dataset: the old owner loses the right, the new one gains it.
    const { datasetOwner, stranger } = ctx.f.actors;
    await (
      await ctx.f.datasetRegistry
        .connect(datasetOwner)
        .transferFrom(datasetOwner.address, stranger.address, BigInt(ctx.assets.dataset))
    ).wait();
    await expectRefused(await pushSecret(datasetPush(datasetOwner)), 403, "NotOwner");
    expect(h.store.secrets.get("dataset-key", ctx.assets.dataset)!.equals(second)).to.equal(true);
    expect((await pushSecret(datasetPush(stranger))).body).to.deep.equal({ version: 3 });
  });

  it("refuses a replayed push (same challenge, same signature) and changes nothing", async () => {
    const key = randomBytes(32);
    const { path, body } = await preparePush(datasetPush(ctx.f.actors.datasetOwner, key));
    expect((await http("PUT", path, body)).status).to.equal(200);
    await expectRefused(await http("PUT", path, body), 403, "ChallengeReused");
    expect(h.store.secrets.get("dataset-key", ctx.assets.dataset)!.equals(key)).to.equal(true);
    expect(h.store.db.prepare("SELECT version FROM secrets").get()).to.deep.equal({ version: 1 });
  });

  it("refuses a challenge issued for another secret, a forged one, an expired one", async () => {
    const other = await preparePush({
      url: h.url,
      chainId: ctx.f.chainId,
      signer: ctx.f.actors.datasetOwner,
      kind: "dataset-key",
      target: Wallet.createRandom().address,
      value: randomBytes(32),
    });
    const mine = await preparePush(datasetPush());
    await expectRefused(
      await http("PUT", mine.path, { ...mine.body, challengeId: other.body.challengeId }),
      403,
      "ChallengeInvalid",
    );
    const forged = "0x" + randomBytes(32).toString("hex");
    await expectRefused(
      await http("PUT", mine.path, { ...mine.body, challengeId: forged }),
      403,
      "ChallengeInvalid",
    );
    await h.stop();
    let offset = 0;
    h = await startSms(ctx.f, { clock: () => Date.now() + offset });
    const late = await preparePush(datasetPush());
    offset = 400_000;
    await expectRefused(await http("PUT", late.path, late.body), 403, "ChallengeExpired");
    expect(h.store.secrets.ids()).to.deep.equal([]);
  });

  it("refuses a signature over another value (the value was swapped in transit)", async () => {
    const { path, body } = await preparePush(datasetPush());
    const swapped = { ...body, value: randomBytes(32).toString("base64") };
    await expectRefused(await http("PUT", path, swapped), 403, "NotOwner");
    expect(h.store.secrets.ids()).to.deep.equal([]);
    // A signature over the right message by the owner but under another SMS domain fails too.
    const ch = await http("POST", `${h.url}/v1/challenges`, {
      kind: "dataset-key",
      target: ctx.assets.dataset,
    });
    const value = randomBytes(32);
    const signature = await ctx.f.actors.datasetOwner.signTypedData(
      smsDomain(1n),
      SECRET_PUSH_TYPES,
      {
        kind: "dataset-key",
        target: ctx.assets.dataset,
        name: "",
        valueHash: sha256Hex(value),
        nonce: ch.body.nonce,
        expiresAt: BigInt(ch.body.expiresAt),
      },
    );
    await expectRefused(
      await http("PUT", path, {
        challengeId: ch.body.challengeId,
        value: value.toString("base64"),
        signature,
      }),
      403,
      "NotOwner",
    );
  });

  it("refuses malformed and oversized bodies, bad values and bad addresses", async () => {
    const { path, body } = await preparePush(datasetPush());
    await expectRefused(await http("PUT", path, { ...body, extra: 1 }), 400, "RequestMalformed");
    await expectRefused(
      await http("PUT", path, { ...body, value: randomBytes(31).toString("base64") }),
      400,
      "ValueInvalid",
    );
    await expectRefused(
      await http("PUT", path, { ...body, value: "not base64!" }),
      400,
      "ValueInvalid",
    );
    await expectRefused(
      await http("PUT", path, { ...body, signature: "0x1234" }),
      400,
      "RequestMalformed",
    );
    await expectRefused(
      await http("PUT", `${h.url}/v1/secrets/dataset-key/not-an-address`, body),
      400,
      "RequestMalformed",
    );
    await expectRefused(
      await http("PUT", `${h.url}/v1/secrets/root-password/${ctx.assets.dataset}`, body),
      400,
      "RequestMalformed",
    );
    const big = await http("PUT", path, { ...body, value: "A".repeat(100_000) });
    expect(big.status).to.equal(413);
    const garbage = await http("PUT", path, undefined, "{not json");
    expect(garbage.status).to.equal(400);
    const challenge = await http("POST", `${h.url}/v1/challenges`, {
      kind: "requester-secret",
      target: ctx.assets.app,
    });
    expect(challenge.status).to.equal(400); // requester secrets need a name
    expect(h.store.secrets.ids()).to.deep.equal([]);
    // The untouched challenge still works afterwards.
    expect((await http("PUT", path, body)).status).to.equal(200);
  });

  it("refuses a dataset that is not registered", async () => {
    const res = await pushSecret({ ...datasetPush(), target: Wallet.createRandom().address });
    await expectRefused(res, 403, "AssetUnknown");
  });
});
