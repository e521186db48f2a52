import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Signature, SigningKey, TypedDataEncoder, Wallet, hexlify, keccak256 } from "ethers";
import { ATTESTATION_STATEMENT_TYPES, WORKER_AUTHORIZATION_TYPES } from "../../src/core/results.js";
import { taskDomain } from "../../src/core/domain.js";
import {
  addressOfPrivateKey,
  isSignedBy,
  randomPrivateKey,
  recoverAddress,
  signDigest,
} from "../../src/core/crypto/secp256k1.js";
import { createTaskTypedHashes } from "../../sms/crypto/typedHashes.js";
import { openSmsDatabase } from "../../sms/store/database.js";
import { createGroupCommitter } from "../../sms/store/groupCommit.js";

describe("SMS signature checks", () => {
  describe("secp256k1 (libsecp256k1)", () => {
    const wallet = () => new Wallet(hexlify(randomBytes(32)));
    const digest = () => keccak256(randomBytes(32));

    it("agrees with ethers' recovery on valid, foreign, altered, compact and garbage signatures", () => {
      const alice = wallet();
      const mallory = wallet();
      for (let i = 0; i < 40; i++) {
        const d = digest();
        const good = alice.signingKey.sign(d).serialized;
        expect(isSignedBy(d, good, alice.address), `valid #${i}`).to.equal(true);
        expect(recoverAddress(d, good), "checksummed, as ethers").to.equal(alice.address);
        expect(isSignedBy(d, Signature.from(good).compactSerialized, alice.address)).to.equal(true);
        expect(isSignedBy(digest(), good, alice.address), `other digest #${i}`).to.equal(false);
        expect(isSignedBy(d, mallory.signingKey.sign(d).serialized, alice.address)).to.equal(false);
        const flipped = Buffer.from(good.slice(2), "hex");
        flipped[10] ^= 1;
        expect(isSignedBy(d, "0x" + flipped.toString("hex"), alice.address)).to.equal(false);
        expect(isSignedBy(d, "0x1234", alice.address)).to.equal(false);
        expect(isSignedBy(d, "0x" + "00".repeat(65), alice.address)).to.equal(false);
        expect(isSignedBy("0x1234", good, alice.address)).to.equal(false);
      }
    });

    it("derives the address of a fresh private key as ethers' Wallet does", () => {
      for (let i = 0; i < 20; i++) {
        const key = randomPrivateKey();
        expect(addressOfPrivateKey(key)).to.equal(new Wallet(hexlify(key)).address);
      }
      expect(() => addressOfPrivateKey(new Uint8Array(32))).to.throw(/invalid/);
    });

    it("signs exactly as ethers' SigningKey (RFC 6979, low s, v 27/28)", () => {
      const key = randomBytes(32);
      const signer = new SigningKey(key);
      for (let i = 0; i < 40; i++) {
        const d = digest();
        expect(signDigest(d, key)).to.equal(signer.sign(d).serialized);
      }
    });
  });

  describe("createTaskTypedHashes", () => {
    it("computes the same digests as ethers' TypedDataEncoder", () => {
      const domain = taskDomain(31337n, Wallet.createRandom().address);
      const h = createTaskTypedHashes(domain);
      for (let i = 0; i < 5; i++) {
        const worker = Wallet.createRandom().address;
        const enclave = Wallet.createRandom().address;
        const taskId = keccak256(randomBytes(8));
        const mrenclave = keccak256(randomBytes(8));
        expect(h.workerAuthorization(worker, taskId, enclave)).to.equal(
          TypedDataEncoder.hash(domain, WORKER_AUTHORIZATION_TYPES, { worker, taskId, enclave }),
        );
        expect(h.attestationStatement(taskId, enclave, mrenclave)).to.equal(
          TypedDataEncoder.hash(domain, ATTESTATION_STATEMENT_TYPES, {
            taskId,
            enclave,
            mrenclave,
          }),
        );
      }
    });
  });

  describe("createGroupCommitter", () => {
    it("commits units of one turn together, rolls back a failing unit alone", async () => {
      const dir = mkdtempSync(join(tmpdir(), "polis-gc-"));
      const db = openSmsDatabase(join(dir, "sms.db"));
      try {
        const group = createGroupCommitter(db);
        const insert = db.prepare(
          "INSERT INTO used_tokens (token, purpose, expires_at) VALUES (?, 'test', 0)",
        );
        const units = [0, 1, 2, 3].map((i) =>
          group.run(() => {
            insert.run(Buffer.from([i]));
            if (i === 2) throw new Error("unit 2 fails");
            return i;
          }),
        );
        expect(group.pending).to.equal(true);
        const settled = await Promise.allSettled(units);
        expect(settled.map((s) => s.status)).to.deep.equal([
          "fulfilled",
          "fulfilled",
          "rejected",
          "fulfilled",
        ]);
        expect(group.pending).to.equal(false);
        const rows = db.prepare("SELECT hex(token) AS t FROM used_tokens ORDER BY token").all();
        expect(rows).to.deep.equal([{ t: "00" }, { t: "01" }, { t: "03" }]);
      } finally {
        db.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("stages a unit: its value at once, durable only after the shared COMMIT", async () => {
      const dir = mkdtempSync(join(tmpdir(), "polis-gc-"));
      const db = openSmsDatabase(join(dir, "sms.db"));
      try {
        const group = createGroupCommitter(db);
        const staged = group.stage(() => {
          db.prepare(
            "INSERT INTO used_tokens (token, purpose, expires_at) VALUES (x'07', 'test', 0)",
          ).run();
          return "sealed later";
        });
        expect(staged.value).to.equal("sealed later");
        expect(group.pending, "not committed yet").to.equal(true);
        await staged.durable;
        expect(group.pending).to.equal(false);
        expect(() =>
          group.stage(() => {
            throw new Error("refused");
          }),
        ).to.throw("refused");
        await new Promise((r) => setImmediate(r));
        const rows = db.prepare("SELECT hex(token) AS t FROM used_tokens").all();
        expect(rows).to.deep.equal([{ t: "07" }]);
      } finally {
        db.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
