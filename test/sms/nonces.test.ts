import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { generateX25519KeyPair } from "../../src/core/crypto/x25519.js";
import { createSmsSessionClient } from "../../src/enclave/host/smsClient.js";
import { buildSession } from "./helpers/enclaveClient.js";
import { expectDenied, postSession } from "./helpers/expect.js";
import { http, platform, startSms, type SmsHarness } from "./helpers/harness.js";
import { loadFixture, teeDealFixture, type DealContext } from "./helpers/deals.js";
import { pushSecret } from "./helpers/pushClient.js";

describe("SMS session nonces: several per request, kept by the enclave host", () => {
  let ctx: DealContext;
  let h: SmsHarness;
  beforeEach(async () => {
    ctx = await loadFixture(teeDealFixture);
    h = await startSms(ctx.f);
  });
  afterEach(async () => h.stop());

  /** Requests the SMS answered on /v1/nonces so far. */
  const nonceRequests = async () => {
    const metrics = await fetch(`${h.url}/metrics`).then((r) => r.text());
    const m =
      /polis_sms_http_request_duration_seconds_count\{route="\/v1\/nonces",status="200"\} (\d+)/.exec(
        metrics,
      );
    return Number(m?.[1] ?? 0);
  };

  it("issues up to 16 distinct nonces at once, each good for one session, and refuses other counts", async () => {
    const res = await http("POST", `${h.url}/v1/nonces?count=5`, {});
    expect(res.status).to.equal(200);
    const nonces = (res.body.nonces as Array<{ nonce: string; expiresAt: number }>).map(
      (n) => n.nonce,
    );
    expect(new Set(nonces).size).to.equal(5);
    for (const count of ["0", "17", "-1", "abc", "1.5", "99999"]) {
      const bad = await http("POST", `${h.url}/v1/nonces?count=${count}`, {});
      expect(bad.status, count).to.equal(400);
      expect(bad.body.error.reason).to.equal("RequestMalformed");
      expect(bad.body.error.message).to.match(/count must be a whole number from 1 to 16/);
    }

    // One of them opens a session (the SMS holds the keys it releases), once.
    await pushSecret({
      url: h.url,
      chainId: ctx.f.chainId,
      signer: ctx.f.actors.datasetOwner,
      kind: "dataset-key",
      target: ctx.assets.dataset,
      value: randomBytes(32),
    });
    await pushSecret({
      url: h.url,
      chainId: ctx.f.chainId,
      signer: ctx.f.actors.requester,
      kind: "beneficiary-key",
      target: ctx.f.actors.requester.address,
      value: generateX25519KeyPair().publicKey,
    });
    const s = await buildSession(ctx.f, h.url, {
      dealId: ctx.dealId,
      deal: ctx.deal,
      worker: ctx.f.actors.worker1,
      platform,
      nonce: nonces[3],
    });
    expect((await postSession(h, s.request)).status).to.equal(200);
    await expectDenied(h, s.request, "NonceReused");
  });

  it("the host's client keeps a batch, shares one fetch among concurrent tasks, and drops nonces past half their life", async () => {
    let clock = Date.now();
    const client = createSmsSessionClient(h.url, { prefetch: 4, now: () => clock });
    const first = await Promise.all(Array.from({ length: 6 }, () => client.nonce()));
    expect(new Set(first.map((n) => n.nonce)).size).to.equal(6);
    expect(await nonceRequests(), "6 nonces, 2 requests of 4").to.equal(2);
    await client.nonce(); // the 2 kept ones
    await client.nonce();
    expect(await nonceRequests()).to.equal(2);

    await client.nonce(); // 3 kept
    clock += 61_000; // nonces live 120 s: these are no longer handed out
    const late = await client.nonce();
    expect(await nonceRequests()).to.equal(4);
    expect(late.expiresAt * 1000).to.be.greaterThan(Date.now() + 100_000);
  });

  it("works with an SMS that answers one nonce per request", async () => {
    let served = 0;
    const old = createServer((_req, res) => {
      served++;
      res.setHeader("content-type", "application/json");
      const nonce = "0x" + randomBytes(32).toString("hex");
      res.end(JSON.stringify({ nonce, expiresAt: Math.floor(Date.now() / 1000) + 120 }));
    }).listen(0, "127.0.0.1");
    await new Promise((r) => old.once("listening", r));
    const url = `http://127.0.0.1:${(old.address() as AddressInfo).port}`;
    const client = createSmsSessionClient(url, { prefetch: 8 });
    const a = await client.nonce();
    const b = await client.nonce();
    old.close();
    expect(a.nonce).to.not.equal(b.nonce);
    expect(served).to.equal(2);
  });
});
