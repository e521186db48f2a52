import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { ZeroAddress, verifyTypedData } from "ethers";
import { ATTESTATION_STATEMENT_TYPES } from "../../src/core/results.js";
import { generateX25519KeyPair } from "../../src/core/crypto/x25519.js";
import {
  createAuthority,
  enrolPlatform,
  issueCrl,
  serialOf,
} from "../../src/enclave/attestation/authority.js";
import { buildSession, openSecrets, resign } from "./helpers/enclaveClient.js";
import { expectDenied, expectNoLeak, postSession } from "./helpers/expect.js";
import {
  authority,
  freshCrls,
  http,
  platform,
  startSms,
  type SmsHarness,
} from "./helpers/harness.js";
import { loadFixture, teeDealFixture, type DealContext } from "./helpers/deals.js";
import { pushSecret } from "./helpers/pushClient.js";

describe("SMS key release: attestation", () => {
  let ctx: DealContext;
  let h: SmsHarness;
  const datasetKey = randomBytes(32);
  const beneficiary = generateX25519KeyPair();
  const secretValues = [datasetKey.toString("base64")];

  async function provision(harness: SmsHarness) {
    const { f, assets } = ctx;
    const r1 = await pushSecret({
      url: harness.url,
      chainId: f.chainId,
      signer: f.actors.datasetOwner,
      kind: "dataset-key",
      target: assets.dataset,
      value: datasetKey,
    });
    expect(r1.status, JSON.stringify(r1.body)).to.equal(200);
    const r2 = await pushSecret({
      url: harness.url,
      chainId: f.chainId,
      signer: f.actors.requester,
      kind: "beneficiary-key",
      target: f.actors.requester.address,
      value: beneficiary.publicKey,
    });
    expect(r2.status).to.equal(200);
  }

  beforeEach(async () => {
    ctx = await loadFixture(teeDealFixture);
    h = await startSms(ctx.f);
    await provision(h);
  });
  afterEach(async () => h.stop());

  const session = (o: Partial<Parameters<typeof buildSession>[2]> = {}) =>
    buildSession(ctx.f, h.url, {
      dealId: ctx.dealId,
      deal: ctx.deal,
      worker: ctx.f.actors.worker1,
      platform,
      ...o,
    });

  describe("granted", () => {
    it("releases the dataset key and beneficiary key sealed to the enclave, with a verifier statement", async () => {
      const s = await session();
      const res = await postSession(h, s.request);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const secrets = openSecrets(s, res.body);
      expect(Buffer.from(secrets.datasetKey!, "base64").equals(datasetKey)).to.equal(true);
      expect(secrets.beneficiaryKey).to.equal(beneficiary.publicKey.toString("base64"));
      expect(secrets.datasetChecksum).to.match(/^0x[0-9a-f]{64}$/);
      const signer = verifyTypedData(
        ctx.f.taskDomain,
        ATTESTATION_STATEMENT_TYPES,
        { taskId: s.taskId, enclave: s.enclave.address, mrenclave: ctx.deal.mrenclave },
        res.body.attestation,
      );
      expect(signer).to.equal(ctx.f.verifier.address);
      expect(res.body.verifier).to.equal(ctx.f.verifier.address);
      expect(await ctx.f.taskManager.isAttestationVerifier(signer)).to.equal(true);
      const row = h.store.db
        .prepare("SELECT outcome, reason FROM audit ORDER BY seq DESC LIMIT 1")
        .get();
      expect(row).to.deep.equal({ outcome: "granted", reason: "Released" });
      expectNoLeak(h, secretValues);
    });

    it("accepts an OutOfDate TCB only when the policy allows it, and a Revoked TCB never", async () => {
      const outdated = enrolPlatform(authority, {
        platformId: "outdated-host",
        tcbStatus: "OutOfDate",
      });
      const revoked = enrolPlatform(authority, {
        platformId: "revoked-tcb-host",
        tcbStatus: "Revoked",
      });
      await expectDenied(h, (await session({ platform: outdated })).request, "TcbRejected");
      await h.stop();
      h = await startSms(ctx.f, { init: { policy: { allowOutOfDateTcb: true } } });
      await provision(h);
      expect(
        (await postSession(h, (await session({ platform: outdated })).request)).status,
      ).to.equal(200);
      await expectDenied(h, (await session({ platform: revoked })).request, "TcbRejected");
    });
  });

  describe("with release crypto on worker threads", () => {
    it("releases, and refuses a bad worker signature and a bad authorization, like inline", async () => {
      await h.stop();
      h = await startSms(ctx.f, { init: { cryptoThreads: 2 } });
      await provision(h);
      const s = await session();
      const res = await postSession(h, s.request);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(
        Buffer.from(openSecrets(s, res.body).datasetKey!, "base64").equals(datasetKey),
      ).to.equal(true);
      const forged = await resign((await session()).request, ctx.f.actors.stranger);
      await expectDenied(h, forged, "WorkerSignatureInvalid", secretValues);
      await expectDenied(
        h,
        (await session({ scheduler: ctx.f.actors.stranger })).request,
        "WorkerAuthorizationInvalid",
        secretValues,
      );
    });
  });

  describe("refused", () => {
    it("refuses a replayed quote (the whole request sent again)", async () => {
      const s = await session();
      expect((await postSession(h, s.request)).status).to.equal(200);
      await expectDenied(h, s.request, "NonceReused", secretValues);
    });

    it("refuses a nonce used twice by two different enclaves", async () => {
      const first = await session();
      expect((await postSession(h, first.request)).status).to.equal(200);
      const second = await session({ nonce: first.request.nonce });
      await expectDenied(h, second.request, "NonceReused", secretValues);
    });

    it("refuses a nonce it did not issue, and an expired one", async () => {
      const forged = await session({ nonce: "0x" + randomBytes(32).toString("hex") });
      await expectDenied(h, forged.request, "NonceInvalid", secretValues);
      await h.stop();
      let offset = 0;
      h = await startSms(ctx.f, { clock: () => Date.now() + offset });
      await provision(h);
      const s = await session();
      offset = 200_000; // nonces live 120 s
      await expectDenied(h, s.request, "NonceExpired", secretValues);
    });

    it("refuses a quote for another measurement", async () => {
      const s = await session({ quote: { mrenclave: "0x" + "11".repeat(32) } });
      await expectDenied(h, s.request, "MeasurementMismatch", secretValues);
    });

    it("refuses a quote claiming a better TCB than its certificate, and a security version below the minimum", async () => {
      const outdated = enrolPlatform(authority, {
        platformId: "outdated-host",
        tcbStatus: "OutOfDate",
      });
      const lying = await session({ platform: outdated, quote: { tcbStatus: "UpToDate" } });
      await expectDenied(h, lying.request, "TcbMismatch", secretValues);
      const newer = await session({ quote: { securityVersion: platform.securityVersion + 1 } });
      await expectDenied(h, newer.request, "TcbMismatch", secretValues);
      await h.stop();
      h = await startSms(ctx.f, {
        init: { policy: { minSecurityVersion: platform.securityVersion + 1 } },
      });
      await provision(h);
      await expectDenied(h, (await session()).request, "SecurityVersionTooLow", secretValues);
    });

    it("refuses a debug enclave", async () => {
      await expectDenied(
        h,
        (await session({ quote: { debug: true } })).request,
        "DebugEnclave",
        secretValues,
      );
    });

    it("refuses a platform whose certificate is revoked (CRL pushed to the running SMS)", async () => {
      const crl = issueCrl(authority.platformCa, {
        serials: [serialOf(platform.certPem)],
        now: Date.now() + 1000,
      });
      const res = await http("POST", `${h.url}/v1/crls`, { crl });
      expect(res.body).to.deep.equal({ installed: true });
      await expectDenied(h, (await session()).request, "CertificateRevoked", secretValues);
    });

    it("refuses every platform of a revoked platform CA", async () => {
      await h.stop();
      h = await startSms(ctx.f, { crls: freshCrls([], [serialOf(authority.platformCa.certPem)]) });
      await expectDenied(h, (await session()).request, "CertificateRevoked");
    });

    it("refuses an expired platform certificate", async () => {
      const expired = enrolPlatform(authority, {
        platformId: "expired-host",
        notBefore: new Date(Date.now() - 10 * 86_400_000),
        notAfter: new Date(Date.now() - 86_400_000),
      });
      await expectDenied(
        h,
        (await session({ platform: expired })).request,
        "CertificateExpired",
        secretValues,
      );
    });

    it("fails closed when the revocation list is stale", async () => {
      await h.stop();
      const old = Date.now() - 10 * 86_400_000;
      h = await startSms(ctx.f, {
        crls: [
          issueCrl(authority.root, { now: old, validitySeconds: 86_400 }),
          issueCrl(authority.platformCa),
        ],
      });
      await expectDenied(h, (await session()).request, "CrlStale");
    });

    it("refuses a chain that is not rooted at the pinned authority", async () => {
      const rogue = createAuthority({ name: "Rogue" });
      const rogueHost = enrolPlatform(rogue, { platformId: "test-host-1" });
      await expectDenied(
        h,
        (await session({ platform: rogueHost })).request,
        "ChainNotRooted",
        secretValues,
      );
    });

    it("refuses a quote whose body was altered after signing", async () => {
      const s = await session();
      const quote = s.request.quote as { body: { securityVersion: number } };
      quote.body.securityVersion += 1;
      await expectDenied(
        h,
        await resign(s.request, ctx.f.actors.worker1),
        "QuoteSignatureInvalid",
        secretValues,
      );
    });

    it("refuses a truncated quote and a garbage quote", async () => {
      const s1 = await session();
      const q = s1.request.quote as { certChain: string[] };
      const truncated = { ...q, certChain: [q.certChain[0]] };
      const worker = ctx.f.actors.worker1;
      await expectDenied(
        h,
        await resign({ ...s1.request, quote: truncated }, worker),
        "QuoteMalformed",
      );
      const s2 = await session();
      const garbage = await resign({ ...s2.request, quote: { hello: "world" } }, worker);
      await expectDenied(h, garbage, "QuoteMalformed", secretValues);
      const s3 = await session();
      const cutSignature = { ...(s3.request.quote as object), signature: "AAAA" };
      await expectDenied(
        h,
        await resign({ ...s3.request, quote: cutSignature }, worker),
        "QuoteMalformed",
      );
      const cut = JSON.stringify((await session()).request).slice(0, 900);
      const res = await http("POST", `${h.url}/v1/sessions`, undefined, cut);
      expect(res.status).to.equal(400);
      expect(res.body.error.reason).to.equal("RequestMalformed");
      expect(res.body).to.not.have.property("secrets");
    });

    it("refuses reportData that does not bind the nonce", async () => {
      const s = await session();
      const other = (await http("POST", `${h.url}/v1/nonces`, {})).body.nonce;
      await expectDenied(
        h,
        await resign({ ...s.request, nonce: other }, ctx.f.actors.worker1),
        "ReportDataMismatch",
        secretValues,
      );
    });

    it("refuses a request not signed by the worker it names", async () => {
      const s = await session();
      const forged = await resign(s.request, ctx.f.actors.stranger);
      await expectDenied(h, forged, "WorkerSignatureInvalid", secretValues);
    });

    it("refuses a worker the deal's scheduler did not authorize", async () => {
      const s = await session({ scheduler: ctx.f.actors.stranger });
      await expectDenied(h, s.request, "WorkerAuthorizationInvalid", secretValues);
      // An authorization for another worker does not carry over.
      const other = await session({ worker: ctx.f.actors.worker2 });
      const swapped = await resign(
        { ...other.request, worker: ctx.f.actors.worker1.address },
        ctx.f.actors.worker1,
      );
      await expectDenied(h, swapped, "WorkerAuthorizationInvalid", secretValues);
    });

    it("refuses a malformed request body and an oversized one", async () => {
      const s = await session();
      const { workerSignature: _w, ...missing } = s.request;
      await expectDenied(h, missing, "RequestMalformed", secretValues, 400);
      const big = {
        ...s.request,
        quote: { ...(s.request.quote as object), padding: "x".repeat(70_000) },
      };
      const res = await http("POST", `${h.url}/v1/sessions`, big);
      expect(res.status).to.equal(413);
      expect(res.body).to.not.have.property("secrets");
      const row = h.store.db.prepare("SELECT reason FROM audit ORDER BY seq DESC LIMIT 1").get();
      expect(row).to.deep.equal({ reason: "BodyTooLarge" });
      expect(ZeroAddress).to.be.a("string");
    });
  });
});
