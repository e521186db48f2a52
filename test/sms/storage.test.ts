import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { generateX25519KeyPair } from "../../src/core/crypto/x25519.js";
import { loadOrCreateMasterKey } from "../../sms/store/masterKey.js";
import { SecretCorruptError } from "../../sms/store/secretStore.js";
import { buildSession } from "./helpers/enclaveClient.js";
import { expectDenied, expectNoLeak, postSession } from "./helpers/expect.js";
import { http, platform, startSms, type SmsHarness } from "./helpers/harness.js";
import { loadFixture, teeDealFixture, type DealContext } from "./helpers/deals.js";
import { preparePush, pushSecret } from "./helpers/pushClient.js";

describe("SMS storage", () => {
  describe("master key", () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "polis-mk-"))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("is created once with mode 0400 and read back identically", async () => {
      const path = join(dir, "master.key");
      const key = await loadOrCreateMasterKey(path);
      expect(key.length).to.equal(32);
      expect(statSync(path).mode & 0o777).to.equal(0o400);
      expect((await loadOrCreateMasterKey(path)).equals(key)).to.equal(true);
    });

    it("refuses a key readable by others, or of the wrong size", async () => {
      const loose = join(dir, "loose.key");
      writeFileSync(loose, randomBytes(32), { mode: 0o644 });
      chmodSync(loose, 0o644);
      await expectReject(loadOrCreateMasterKey(loose), /must not be readable/);
      const short = join(dir, "short.key");
      writeFileSync(short, randomBytes(16), { mode: 0o400 });
      await expectReject(loadOrCreateMasterKey(short), /32 bytes/);
    });
  });

  describe("secrets at rest", () => {
    let ctx: DealContext;
    let h: SmsHarness;
    const datasetKey = randomBytes(32);
    const beneficiary = generateX25519KeyPair();
    const leaks = [datasetKey.toString("base64")];

    beforeEach(async () => {
      ctx = await loadFixture(teeDealFixture);
      h = await startSms(ctx.f);
      const { f } = ctx;
      expect(
        (
          await pushSecret({
            url: h.url,
            chainId: f.chainId,
            signer: f.actors.datasetOwner,
            kind: "dataset-key",
            target: ctx.assets.dataset,
            value: datasetKey,
          })
        ).status,
      ).to.equal(200);
      expect(
        (
          await pushSecret({
            url: h.url,
            chainId: f.chainId,
            signer: f.actors.requester,
            kind: "beneficiary-key",
            target: f.actors.requester.address,
            value: beneficiary.publicKey,
          })
        ).status,
      ).to.equal(200);
    });
    afterEach(async () => h.stop());

    const session = () =>
      buildSession(ctx.f, h.url, {
        dealId: ctx.dealId,
        deal: ctx.deal,
        worker: ctx.f.actors.worker1,
        platform,
      });
    /** A second connection to the same file: an attacker (or a fault) acting on the disk. */
    const raw = () => new DatabaseSync(join(h.dir, "sms.db"));
    const datasetId = () => `dataset-key/${ctx.assets.dataset.toLowerCase()}`;
    const beneficiaryId = () => `beneficiary-key/${ctx.f.actors.requester.address.toLowerCase()}`;

    it("stores only ciphertext: the key bytes are nowhere in the database file", async () => {
      const db = raw();
      const rows = JSON.stringify(db.prepare("SELECT * FROM secrets").all(), (_k, v) =>
        v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v,
      );
      db.close();
      expect(rows).to.not.include(datasetKey.toString("hex"));
      expectNoLeak(h, leaks);
    });

    it("refuses to release a secret whose ciphertext bytes were flipped", async () => {
      const db = raw();
      const row = db.prepare("SELECT ciphertext FROM secrets WHERE id = ?").get(datasetId()) as {
        ciphertext: Uint8Array;
      };
      const flipped = Buffer.from(row.ciphertext);
      flipped[3] ^= 0x01;
      db.prepare("UPDATE secrets SET ciphertext = ? WHERE id = ?").run(flipped, datasetId());
      db.close();
      expect(() => h.store.secrets.get("dataset-key", ctx.assets.dataset)).to.throw(
        SecretCorruptError,
      );
      await expectDenied(h, (await session()).request, "SecretCorrupt", leaks, 500);
    });

    it("refuses a ciphertext moved to another record", async () => {
      const db = raw();
      const moved = db
        .prepare("SELECT iv, ciphertext FROM secrets WHERE id = ?")
        .get(beneficiaryId()) as { iv: Uint8Array; ciphertext: Uint8Array };
      db.prepare("UPDATE secrets SET iv = ?, ciphertext = ? WHERE id = ?").run(
        moved.iv,
        moved.ciphertext,
        datasetId(),
      );
      db.close();
      expect(() => h.store.secrets.get("dataset-key", ctx.assets.dataset)).to.throw(
        SecretCorruptError,
      );
      await expectDenied(h, (await session()).request, "SecretCorrupt", leaks, 500);
    });

    it("refuses an old version replayed over a rotated secret", async () => {
      const db = raw();
      const v1 = db.prepare("SELECT iv, ciphertext FROM secrets WHERE id = ?").get(datasetId()) as {
        iv: Uint8Array;
        ciphertext: Uint8Array;
      };
      const { f } = ctx;
      expect(
        (
          await pushSecret({
            url: h.url,
            chainId: f.chainId,
            signer: f.actors.datasetOwner,
            kind: "dataset-key",
            target: ctx.assets.dataset,
            value: randomBytes(32),
          })
        ).status,
      ).to.equal(200);
      db.prepare("UPDATE secrets SET iv = ?, ciphertext = ? WHERE id = ?").run(
        v1.iv,
        v1.ciphertext,
        datasetId(),
      );
      db.close();
      expect(() => h.store.secrets.get("dataset-key", ctx.assets.dataset)).to.throw(
        SecretCorruptError,
      );
    });
  });

  describe("audit log", () => {
    let ctx: DealContext;
    let h: SmsHarness;
    beforeEach(async () => {
      ctx = await loadFixture(teeDealFixture);
      h = await startSms(ctx.f);
    });
    afterEach(async () => h.stop());
    const raw = () => new DatabaseSync(join(h.dir, "sms.db"));

    it("chains every row to the previous one and refuses UPDATE and DELETE", async () => {
      for (let i = 0; i < 3; i++) await http("POST", `${h.url}/v1/sessions`, { bad: i });
      expect(h.store.audit.verify()).to.deep.equal({ ok: true, rows: 3 });
      const db = raw();
      expect(() => db.exec("UPDATE audit SET reason = 'Released' WHERE seq = 2")).to.throw(
        /append-only/,
      );
      expect(() => db.exec("DELETE FROM audit WHERE seq = 3")).to.throw(/append-only/);
      // Someone with the file drops the triggers and edits history: verification finds it.
      db.exec("DROP TRIGGER audit_no_update");
      db.exec("UPDATE audit SET reason = 'Released', outcome = 'granted' WHERE seq = 2");
      db.close();
      expect(h.store.audit.verify()).to.deep.equal({ ok: false, rows: 2, brokenAt: 2 });
    });

    it("releases nothing (503) when the audit row cannot be written, and stores no push", async () => {
      const { f } = ctx;
      const key = randomBytes(32);
      const beneficiary = generateX25519KeyPair();
      expect(
        (
          await pushSecret({
            url: h.url,
            chainId: f.chainId,
            signer: f.actors.datasetOwner,
            kind: "dataset-key",
            target: ctx.assets.dataset,
            value: key,
          })
        ).status,
      ).to.equal(200);
      expect(
        (
          await pushSecret({
            url: h.url,
            chainId: f.chainId,
            signer: f.actors.requester,
            kind: "beneficiary-key",
            target: f.actors.requester.address,
            value: beneficiary.publicKey,
          })
        ).status,
      ).to.equal(200);
      const s = await buildSession(f, h.url, {
        dealId: ctx.dealId,
        deal: ctx.deal,
        worker: f.actors.worker1,
        platform,
      });
      const pendingPush = await preparePush({
        url: h.url,
        chainId: f.chainId,
        signer: f.actors.appOwner,
        kind: "app-secret",
        target: ctx.assets.app,
        value: Buffer.from("s3cret-app"),
      });
      const rowsBefore = h.store.audit.count();

      const db = raw();
      db.exec(
        "CREATE TRIGGER audit_fault BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'injected: disk full'); END",
      );
      const denied = await postSession(h, s.request);
      expect(denied.status).to.equal(503);
      expect(denied.body.error.reason).to.equal("AuditUnavailable");
      expect(denied.body).to.not.have.property("secrets");
      const push = await http("PUT", pendingPush.path, pendingPush.body);
      expect(push.status).to.equal(503);
      expect(h.store.secrets.exists("app-secret", ctx.assets.app)).to.equal(false);
      expect(h.store.audit.count()).to.equal(rowsBefore);
      expect(h.store.tokens.isUsed(s.request.nonce)).to.equal(false);
      expectNoLeak(h, [key.toString("base64"), Buffer.from("s3cret-app").toString("base64")]);

      // Once the audit log works again, the very same requests go through.
      db.exec("DROP TRIGGER audit_fault");
      db.close();
      expect((await postSession(h, s.request)).status).to.equal(200);
      expect((await http("PUT", pendingPush.path, pendingPush.body)).status).to.equal(200);
      expect(h.store.audit.verify().ok).to.equal(true);
    });
  });
});

async function expectReject(p: Promise<unknown>, pattern: RegExp) {
  try {
    await p;
  } catch (e) {
    expect(String((e as Error).message)).to.match(pattern);
    return;
  }
  expect.fail("expected a rejection");
}
