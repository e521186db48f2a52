import { expect } from "chai";
import { request } from "node:http";
import { createAuthority, issueCrl } from "../../src/enclave/attestation/authority.js";
import { buildSession } from "./helpers/enclaveClient.js";
import { postSession } from "./helpers/expect.js";
import { authority, http, platform, startSms, type SmsHarness } from "./helpers/harness.js";
import { loadFixture, teeDealFixture, type DealContext } from "./helpers/deals.js";

describe("SMS operations", () => {
  let ctx: DealContext;
  let h: SmsHarness;
  beforeEach(async () => {
    ctx = await loadFixture(teeDealFixture);
  });
  afterEach(async () => h?.stop());

  it("rate-limits per client and route with a token bucket (429 + Retry-After), other routes unaffected", async () => {
    h = await startSms(ctx.f, {
      init: { rateLimits: { nonces: { capacity: 5, refillPerSecond: 1 } } },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++)
      statuses.push((await http("POST", `${h.url}/v1/nonces`, {})).status);
    expect(statuses).to.deep.equal([200, 200, 200, 200, 200, 429, 429, 429]);
    const res = await fetch(`${h.url}/v1/nonces`, { method: "POST" });
    expect(res.headers.get("retry-after")).to.equal("1");
    expect((await http("POST", `${h.url}/v1/noop`, {})).status).to.equal(200);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await http("POST", `${h.url}/v1/nonces`, {})).status).to.equal(200);
    const metrics = await fetch(`${h.url}/metrics`).then((r) => r.text());
    expect(metrics).to.match(/polis_sms_rate_limited_total\{route="nonces"\} 4/);
  });

  it("limits body sizes on every JSON route and answers unknown routes with 404", async () => {
    h = await startSms(ctx.f, { init: { bodyLimitBytes: 1024 } });
    const big = { kind: "dataset-key", target: ctx.assets.dataset, pad: "x".repeat(2000) };
    expect((await http("POST", `${h.url}/v1/challenges`, big)).status).to.equal(413);
    expect((await http("POST", `${h.url}/v1/noop`, big)).status).to.equal(413);
    expect((await http("POST", `${h.url}/v1/crls`, big)).status).to.equal(413);
    const missing = await http("GET", `${h.url}/v1/keys`);
    expect(missing.status).to.equal(404);
  });

  it("exports release outcomes and latencies as Prometheus metrics", async () => {
    h = await startSms(ctx.f);
    const s = await buildSession(ctx.f, h.url, {
      dealId: ctx.dealId,
      deal: ctx.deal,
      worker: ctx.f.actors.worker1,
      platform,
      quote: { debug: true },
    });
    expect((await postSession(h, s.request)).status).to.equal(403);
    const metrics = await fetch(`${h.url}/metrics`).then((r) => r.text());
    expect(metrics).to.match(
      /polis_sms_releases_total\{outcome="denied",reason="DebugEnclave"\} 1/,
    );
    expect(metrics).to.match(
      /polis_sms_http_request_duration_seconds_count\{route="\/v1\/sessions",status="403"\} 1/,
    );
    expect(metrics).to.include("polis_sms_process_cpu_seconds_total");
  });

  it("installs only newer CRLs signed by a known issuer", async () => {
    h = await startSms(ctx.f);
    const rogue = createAuthority({ name: "Rogue" });
    const forged = { ...issueCrl(rogue.platformCa), body: { ...issueCrl(rogue.platformCa).body } };
    forged.body.issuer = issueCrl(authority.platformCa).body.issuer; // claims our CA, signed by another key
    const bad = await http("POST", `${h.url}/v1/crls`, { crl: forged });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.reason).to.equal("CrlInvalid");
    const unknownIssuer = await http("POST", `${h.url}/v1/crls`, {
      crl: issueCrl(rogue.platformCa),
    });
    expect(unknownIssuer.body.error.reason).to.equal("CrlInvalid");
    const older = await http("POST", `${h.url}/v1/crls`, {
      crl: issueCrl(authority.platformCa, { now: Date.now() - 3600_000 }),
    });
    expect(older.body).to.deep.equal({ installed: false });
    const rows = h.store.db.prepare("SELECT action, outcome, reason FROM audit ORDER BY seq").all();
    expect(rows).to.deep.equal([{ action: "crl", outcome: "denied", reason: "NotNewer" }]);
    const s = await buildSession(ctx.f, h.url, {
      dealId: ctx.dealId,
      deal: ctx.deal,
      worker: ctx.f.actors.worker1,
      platform,
    });
    expect((await postSession(h, s.request)).status).to.equal(403); // DatasetKeyMissing: the CRLs still verify
  });

  it("stops gracefully: an in-flight request finishes, new connections are refused", async () => {
    h = await startSms(ctx.f);
    const body = JSON.stringify({ hello: "world" });
    // A request whose body is still arriving when stop() begins.
    const req = request(`${h.url}/v1/noop`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": body.length },
    });
    const answered = new Promise<number>((resolve, reject) => {
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
    });
    req.write(body.slice(0, 5));
    await new Promise((r) => setTimeout(r, 50));
    const stopped = h.sms.stop();
    await new Promise((r) => setTimeout(r, 50));
    req.end(body.slice(5));
    expect(await answered).to.equal(200);
    await stopped;
    const after = await fetch(`${h.url}/v1/health`).then(
      () => "answered",
      () => "refused",
    );
    expect(after).to.equal("refused");
  });
});
