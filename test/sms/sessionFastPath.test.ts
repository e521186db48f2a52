import { expect } from "chai";
import { buildSession } from "./helpers/enclaveClient.js";
import { platform, startSms, type SmsHarness } from "./helpers/harness.js";
import { loadFixture, teeDealFixture, type DealContext } from "./helpers/deals.js";

/**
 * POST /v1/sessions is answered by a plain listener beside express (sms/http/sessionFastPath.ts)
 * when the body is plain JSON; anything else goes through express. Both must answer alike.
 */
describe("SMS key release: the plain listener answers as express does", () => {
  let ctx: DealContext;
  let h: SmsHarness;
  beforeEach(async () => {
    ctx = await loadFixture(teeDealFixture);
  });
  afterEach(async () => h?.stop());

  /** POSTs `body` to /v1/sessions as plain JSON (fast path) or as chunked JSON (express). */
  const post = async (body: string, path: "plain" | "express") => {
    const headers = { "content-type": "application/json" };
    const res = await fetch(`${h.url}/v1/sessions`, {
      method: "POST",
      headers,
      // A stream has no Content-Length: fetch sends it chunked, which only express reads.
      body:
        path === "plain"
          ? body
          : new ReadableStream({
              start(c) {
                c.enqueue(new TextEncoder().encode(body));
                c.close();
              },
            }),
      ...(path === "express" ? { duplex: "half" } : {}),
    } as RequestInit);
    return {
      status: res.status,
      type: res.headers.get("content-type"),
      retryAfter: res.headers.get("retry-after"),
      // express's res.json adds an ETag, the plain listener does not: which path answered.
      answeredBy: res.headers.get("etag") ? "express" : "plain",
      body: (await res.json()) as Record<string, any>,
    };
  };
  const lastAudit = () =>
    h.store.db.prepare("SELECT outcome, reason FROM audit ORDER BY seq DESC LIMIT 1").get();

  it("gives the same denials, audited alike, for bad JSON, a wrong shape and a forged request", async () => {
    h = await startSms(ctx.f);
    // A well-formed request whose authorization is signed by someone other than the scheduler.
    const unauthorized = async () => {
      const s = await buildSession(ctx.f, h.url, {
        dealId: ctx.dealId,
        deal: ctx.deal,
        worker: ctx.f.actors.worker1,
        scheduler: ctx.f.actors.stranger,
        platform,
      });
      return JSON.stringify(s.request);
    };
    const cases: [() => Promise<string> | string, number, string][] = [
      [() => '{"taskId": ', 400, "RequestMalformed"],
      [() => '"a string"', 400, "RequestMalformed"],
      [() => "[1, 2]", 400, "RequestMalformed"],
      [() => JSON.stringify({ taskId: "0x12" }), 400, "RequestMalformed"],
      [unauthorized, 403, "WorkerAuthorizationInvalid"],
    ];
    for (const [makeBody, status, reason] of cases) {
      const answers = [];
      for (const path of ["plain", "express"] as const) {
        const body = await makeBody();
        const before = h.store.audit.count();
        const res = await post(body, path);
        expect(res.status, `${path}: ${body.slice(0, 30)}`).to.equal(status);
        expect(res.answeredBy).to.equal(path);
        expect(res.type).to.equal("application/json; charset=utf-8");
        expect(res.body.error.reason).to.equal(reason);
        expect(res.body).to.not.have.property("secrets");
        expect(h.store.audit.count(), `${path} audits`).to.equal(before + 1);
        expect(lastAudit()).to.deep.equal({ outcome: "denied", reason });
        answers.push(res.body);
      }
      expect(answers[0]).to.deep.equal(answers[1]);
    }
    const metrics = await fetch(`${h.url}/metrics`).then((r) => r.text());
    expect(metrics).to.match(
      /polis_sms_http_request_duration_seconds_count\{route="\/v1\/sessions",status="400"\} 8/,
    );
  });

  it("rate-limits releases per client before reading the body (429 + Retry-After)", async () => {
    h = await startSms(ctx.f, {
      init: { rateLimits: { sessions: { capacity: 2, refillPerSecond: 1 } } },
    });
    const before = h.store.audit.count();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await post("{}", i % 2 === 0 ? "plain" : "express"));
    expect(statuses.map((r) => r.status)).to.deep.equal([400, 400, 429, 429]);
    for (const r of statuses.slice(2)) {
      expect(r.retryAfter).to.equal("1");
      expect(r.body.error.reason).to.equal("RateLimited");
    }
    // Only the two admitted requests reached the release and its audit log.
    expect(h.store.audit.count()).to.equal(before + 2);
    const metrics = await fetch(`${h.url}/metrics`).then((r) => r.text());
    expect(metrics).to.match(/polis_sms_rate_limited_total\{route="sessions"\} 2/);
  });
});
