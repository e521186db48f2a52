import { expect } from "chai";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ServiceError } from "../../src/core/errors/index.js";
import {
  encryptResult,
  generateX25519KeyPair,
  packArchive,
  sha256Hex,
} from "../../src/core/crypto/index.js";
import {
  IntegrityError,
  WrongResultKeyError,
  contentAddress,
  decryptResult,
  writeResultFiles,
} from "../../src/sdk/index.js";
import { MAX_RECEIPT_BYTES, getReceipt } from "../../src/sdk/actions/results/getReceipt.js";

describe("sdk/results", () => {
  const taskId = "0x" + "12".repeat(32);
  const archive = packArchive([{ path: "a.txt", data: Buffer.from("hello") }]);
  const key = generateX25519KeyPair();
  const blob = encryptResult(key.publicKey, archive, Buffer.from(taskId.slice(2), "hex"));

  it("decrypts with the beneficiary key and checks the digest", () => {
    const r = decryptResult({
      taskId,
      blob,
      privateKeyPem: key.privateKeyPem,
      expectedDigest: sha256Hex(archive),
    });
    expect(r.files.map((f) => f.path)).to.deep.equal(["a.txt"]);
    expect(r.digest).to.equal(sha256Hex(archive));
  });

  it("names a wrong key and a digest mismatch", () => {
    const other = generateX25519KeyPair();
    expect(() => decryptResult({ taskId, blob, privateKeyPem: other.privateKeyPem })).to.throw(
      WrongResultKeyError,
    );
    expect(() =>
      decryptResult({
        taskId,
        blob,
        privateKeyPem: key.privateKeyPem,
        expectedDigest: "0x" + "00".repeat(32),
      }),
    ).to.throw(IntegrityError);
    const otherTask = "0x" + "34".repeat(32);
    expect(() =>
      decryptResult({ taskId: otherTask, blob, privateKeyPem: key.privateKeyPem }),
    ).to.throw(WrongResultKeyError);
  });

  it("writes archive files but refuses paths escaping the output folder", async () => {
    const dir = await mkdtemp(join(tmpdir(), "polis-results-"));
    try {
      const written = await writeResultFiles(dir, [
        { path: "out/b.txt", data: Buffer.from("b") },
        { path: ".polis/salt", data: randomBytes(32) },
      ]);
      expect(written).to.deep.equal(["out/b.txt"]);
      expect(await readdir(dir)).to.deep.equal(["out"]);
      for (const path of ["../evil", "/etc/evil", "a/../../evil"]) {
        const err = await writeResultFiles(dir, [{ path, data: Buffer.from("x") }]).catch(
          (e: unknown) => e,
        );
        expect(err, path).to.be.instanceOf(ServiceError);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reads the content address of a result URL", () => {
    const h = "ab".repeat(32);
    expect(contentAddress(`http://127.0.0.1:13600/results/${h}`)).to.equal(`0x${h}`);
    expect(contentAddress("http://127.0.0.1:13600/results/nothash")).to.equal(undefined);
  });
});

describe("sdk/results: a hostile result store serving receipts", () => {
  let server: Server;
  let base: string;
  before(async () => {
    server = createServer((req, res) => {
      if (req.url!.includes("aa")) return void res.end(`"${"x".repeat(MAX_RECEIPT_BYTES + 10)}"`);
      if (req.url!.includes("bb")) return void res.end("{not json");
      res.end(JSON.stringify({ receipt: null, signature: 7 }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/results/x`;
  });
  after(() => server?.close());

  const failure = (taskId: string) =>
    getReceipt({ resultUrl: base, taskId }).then(
      () => expect.fail("should throw"),
      (e: unknown) => e as ServiceError,
    );

  it("refuses an oversized, a non-JSON and a malformed receipt with a ServiceError", async () => {
    const big = await failure("0x" + "aa".repeat(32));
    expect(big).to.be.instanceOf(ServiceError);
    expect(big.shortMessage).to.match(/(offers 262156 bytes; the limit is|sent more than) 262144/);
    expect((await failure("0x" + "bb".repeat(32))).shortMessage).to.match(/invalid JSON/);
    expect((await failure("0x" + "cc".repeat(32))).shortMessage).to.match(/malformed receipt/);
  });
});
