import { expect } from "chai";
import { randomBytes } from "node:crypto";
import {
  decryptDataset,
  decryptResult,
  encryptDataset,
  encryptResult,
  generateX25519KeyPair,
  openEnvelope,
  packArchive,
  sealEnvelope,
  sha256Hex,
  unpackArchive,
} from "../../src/core/crypto/index.js";

describe("core/crypto", () => {
  describe("dataset file", () => {
    it("round-trips and its checksum is the sha256 of the file", () => {
      const plain = Buffer.from("t,hr,spo2\n0,72,98\n");
      const { file, key, checksum } = encryptDataset(plain);
      expect(checksum).to.equal(sha256Hex(file));
      expect(decryptDataset(file, key).equals(plain)).to.equal(true);
    });

    it("rejects a wrong key, a flipped byte and a malformed file with UserError", () => {
      const { file, key } = encryptDataset(Buffer.from("secret"));
      expect(() => decryptDataset(file, randomBytes(32))).to.throw(/wrong key or corrupted/);
      const flipped = Buffer.from(file);
      flipped[20] ^= 1;
      expect(() => decryptDataset(flipped, key)).to.throw(/wrong key or corrupted/);
      expect(() => decryptDataset(Buffer.from("not a dataset at all"), key)).to.throw(
        /Not a Polis encrypted dataset/,
      );
    });
  });

  describe("result encryption", () => {
    it("round-trips for the beneficiary and binds the task id", () => {
      const kp = generateX25519KeyPair();
      const task = randomBytes(32);
      const blob = encryptResult(kp.publicKey, Buffer.from("result"), task);
      expect(decryptResult(kp.privateKeyPem, blob, task).toString()).to.equal("result");
      expect(() => decryptResult(kp.privateKeyPem, blob, randomBytes(32))).to.throw(/cannot open/);
    });

    it("refuses another key", () => {
      const kp = generateX25519KeyPair();
      const other = generateX25519KeyPair();
      const task = randomBytes(32);
      const blob = encryptResult(kp.publicKey, Buffer.from("result"), task);
      expect(() => decryptResult(other.privateKeyPem, blob, task)).to.throw(/cannot open/);
    });

    it("opens envelopes", () => {
      const kp = generateX25519KeyPair();
      const aad = randomBytes(32);
      const env = sealEnvelope(kp.publicKey, Buffer.from('{"a":1}'), aad);
      expect(openEnvelope(kp.privateKeyPem, env, aad).toString()).to.equal('{"a":1}');
    });
  });

  describe("archive", () => {
    it("is deterministic regardless of input order and round-trips", () => {
      const a = packArchive([
        { path: "b.txt", data: Buffer.from("2") },
        { path: "a.txt", data: Buffer.from("1") },
      ]);
      const b = packArchive([
        { path: "a.txt", data: Buffer.from("1") },
        { path: "b.txt", data: Buffer.from("2") },
      ]);
      expect(a.equals(b)).to.equal(true);
      expect(unpackArchive(a).map((e) => e.path)).to.deep.equal(["a.txt", "b.txt"]);
    });

    it("rejects truncated and trailing bytes", () => {
      const a = packArchive([{ path: "a", data: Buffer.from("xyz") }]);
      expect(() => unpackArchive(a.subarray(0, a.length - 1))).to.throw(/Malformed/);
      expect(() => unpackArchive(Buffer.concat([a, Buffer.from([0])]))).to.throw(/Malformed/);
    });
  });
});
