import { expect } from "chai";
import express from "express";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { createHash } from "node:crypto";
import { Wallet, ZeroAddress, ZeroHash, getBytes } from "ethers";
import pino from "pino";
import {
  ResultStore,
  resultRoutes,
  uploadReceipt,
  uploadResult,
  uploadMessage,
} from "../../src/results/index.js";
import { receiptHash, type UsageReceipt } from "../../src/core/index.js";
import { getReceipt } from "../../src/sdk/actions/results/getReceipt.js";

describe("results/store", () => {
  const worker = Wallet.createRandom();
  const stranger = Wallet.createRandom();
  const taskId = "0x" + "ab".repeat(32);
  let server: Server;
  let base: string;
  let store: ResultStore;

  before(async () => {
    store = new ResultStore(mkdtempSync(join(tmpdir(), "polis-results-")));
    const app = express();
    app.use(
      resultRoutes(
        store,
        {
          isUploader: (a) => a === worker.address,
          publicUrl: "http://placeholder",
          maxBlobBytes: 1024,
          maxReceiptsPerTask: 3,
        },
        pino({ level: "silent" }),
      ),
    );
    server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => {
    server.close();
    store.close();
  });

  it("stores a blob uploaded by a worker under its sha256 and serves it to anyone", async () => {
    const url = await uploadResult(base, worker, taskId, Buffer.from("ciphertext"));
    const sha = url.split("/").pop()!;
    const res = await fetch(`${base}/results/${sha}`);
    expect(res.status).to.equal(200);
    expect(Buffer.from(await res.arrayBuffer()).toString()).to.equal("ciphertext");
  });

  it("refuses an upload signed by a wallet that is not a pool worker, and stores nothing", async () => {
    const before = store.count();
    const err = await uploadResult(base, stranger, taskId, Buffer.from("junk")).catch(
      (e: Error) => e,
    );
    expect(String(err)).to.match(/403/);
    expect(store.count()).to.equal(before);
  });

  it("refuses a stale signature and a signature over other content", async () => {
    const issuedAt = Math.floor(Date.now() / 1000) - 3600;
    const body = Buffer.from("late");
    const stale = await fetch(`${base}/results`, {
      method: "PUT",
      headers: {
        "x-polis-task": taskId,
        "x-polis-issued-at": String(issuedAt),
        "x-polis-signature": await worker.signMessage(
          uploadMessage("result", "0x00", taskId, issuedAt),
        ),
      },
      body,
    });
    expect(stale.status).to.equal(401);
    const now = Math.floor(Date.now() / 1000);
    const swapped = await fetch(`${base}/results`, {
      method: "PUT",
      headers: {
        "x-polis-task": taskId,
        "x-polis-issued-at": String(now),
        "x-polis-signature": await worker.signMessage(
          uploadMessage("result", "0x" + "00".repeat(32), taskId, now),
        ),
      },
      body,
    });
    expect(swapped.status).to.equal(403);
  });

  it("refuses oversized blobs", async () => {
    const err = await uploadResult(base, worker, taskId, Buffer.alloc(4096, 1)).catch(
      (e: Error) => e,
    );
    expect(String(err)).to.match(/413/);
  });

  describe("receipts", () => {
    const enclave = Wallet.createRandom();
    const receiptOf = (cpuMs: number, signer = enclave, task = taskId) =>
      ({
        version: 1,
        chainId: "31337",
        taskManager: ZeroAddress,
        dealId: ZeroHash,
        taskId: task,
        app: ZeroAddress,
        mrenclave: ZeroHash,
        datasetChecksum: null,
        inputHash: ZeroHash,
        resultDigest: ZeroHash,
        cpuMs,
        wallMs: 1,
        peakMemoryBytes: 1,
        startedAt: 0,
        finishedAt: 1,
        enclave: signer.address,
        networkIsolated: true,
      }) satisfies UsageReceipt;
    const signed = async (receipt: UsageReceipt, by = enclave) =>
      JSON.stringify({
        receipt,
        signature: await by.signMessage(getBytes(receiptHash(receipt))),
      });
    /** A receipt of `task` signed by a fresh enclave key (a worker minting keys). */
    const mintedReceipt = (task: string) => {
      const key = Wallet.createRandom();
      return signed(receiptOf(1, key, task), key);
    };

    it("keeps every receipt of a task under its hash: an earlier upload cannot hide the committed one", async () => {
      const refused = receiptOf(1); // a worker whose result the scheduler refused uploads first
      const committed = receiptOf(2);
      await uploadReceipt(base, worker, taskId, await signed(refused));
      await uploadReceipt(base, worker, taskId, await signed(committed));
      await uploadReceipt(base, worker, taskId, await signed(committed)); // idempotent
      const got = await getReceipt({
        resultUrl: `${base}/results/x`,
        taskId,
        receiptHash: receiptHash(committed),
      });
      expect(got.hash).to.equal(receiptHash(committed));
      expect(got.signer).to.equal(enclave.address);
      const missing = await fetch(`${base}/receipts/${taskId}/${ZeroHash}`);
      expect(missing.status).to.equal(404);
      expect(((await missing.json()) as { error: string }).error).to.match(
        /No receipt with this hash/,
      );
      // Without a hash the store serves the latest.
      const latest = (await (await fetch(`${base}/receipts/${taskId}`)).json()) as {
        receipt: UsageReceipt;
      };
      expect(latest.receipt.cpuMs).to.equal(2);
    });

    it("refuses a receipt not signed by the enclave it names, for another task, or not JSON", async () => {
      const other = Wallet.createRandom();
      const cases: [string, RegExp][] = [
        [await signed(receiptOf(3), other), /not by its enclave/],
        [await signed(receiptOf(3, enclave, "0x" + "cd".repeat(32))), /another task/],
        [JSON.stringify({ receipt: receiptOf(3), signature: "0x1234" }), /malformed/],
        ['{"version":1}', /Expected \{ receipt, signature \}/],
        ["not json", /not JSON/],
      ];
      for (const [body, error] of cases) {
        const err = await uploadReceipt(base, worker, taskId, body).catch((e: Error) => e);
        expect(String(err)).to.match(/400/).and.to.match(error);
      }
      const stored = await fetch(`${base}/receipts/${taskId}/${receiptHash(receiptOf(3))}`);
      expect(stored.status, "nothing refused was stored").to.equal(404);
    });

    it("stores a bounded number of receipts per task (a worker minting enclave keys fills no disk)", async () => {
      const task = "0x" + "ef".repeat(32);
      const minted = () => mintedReceipt(task);
      const bodies = [await minted(), await minted(), await minted()];
      for (const body of bodies) await uploadReceipt(base, worker, task, body);
      const err = await uploadReceipt(base, worker, task, await minted()).catch((e: Error) => e);
      expect(String(err))
        .to.match(/409/)
        .and.to.match(/already has 3 receipts/);
      // A retried upload of a stored receipt is still answered (200, nothing new stored).
      await uploadReceipt(base, worker, task, bodies[0]);
    });

    it("takes a result and its receipt in one request, under one signature over both", async () => {
      const task = "0x" + "12".repeat(32);
      const receipt = receiptOf(5, enclave, task);
      const body = await signed(receipt);
      const url = await uploadResult(base, worker, task, Buffer.from("sealed"), body);
      expect(
        Buffer.from(
          await (await fetch(url.replace("http://placeholder", base))).arrayBuffer(),
        ).toString(),
      ).to.equal("sealed");
      const got = await getReceipt({
        resultUrl: `${base}/results/x`,
        taskId: task,
        receiptHash: receiptHash(receipt),
      });
      expect(got.signer).to.equal(enclave.address);
      // The same output again (a retry after a lost answer) is accepted and stored once.
      await uploadResult(base, worker, task, Buffer.from("sealed"), body);
      expect(store.receiptCount(task)).to.equal(1);
    });

    it("refuses a bundled receipt that was swapped, malformed or framed wrong, and stores neither part", async () => {
      const task = "0x" + "34".repeat(32);
      const blob = Buffer.from("sealed-" + task);
      const sha = (b: Uint8Array | string) => "0x" + createHash("sha256").update(b).digest("hex");
      const put = async (
        receipt: string,
        opts: { signedReceipt?: string; length?: string } = {},
      ) => {
        const issuedAt = Math.floor(Date.now() / 1000);
        const bytes = Buffer.from(receipt);
        const res = await fetch(`${base}/results`, {
          method: "PUT",
          headers: {
            "x-polis-task": task,
            "x-polis-issued-at": String(issuedAt),
            "x-polis-receipt-length": opts.length ?? String(bytes.length),
            "x-polis-signature": await worker.signMessage(
              uploadMessage(
                "result",
                sha(blob),
                task,
                issuedAt,
                sha(opts.signedReceipt ?? receipt),
              ),
            ),
          },
          body: Buffer.concat([bytes, blob]),
        });
        return { status: res.status, error: ((await res.json()) as { error: string }).error };
      };
      const genuine = await signed(receiptOf(6, enclave, task));
      const forged = await signed(receiptOf(7, Wallet.createRandom(), task), enclave);
      const swapped = await put(await signed(receiptOf(8, enclave, task)), {
        signedReceipt: genuine,
      });
      expect(swapped.status, "a receipt swapped in transit").to.equal(403);
      expect((await put(forged)).error).to.match(/not by its enclave/);
      expect((await put(genuine, { length: "0" })).error).to.match(/X-Polis-Receipt-Length/);
      expect((await put(genuine, { length: "-5" })).status).to.equal(400);
      expect(
        (await put(genuine, { length: String(genuine.length + blob.length) })).status,
      ).to.equal(400);
      expect((await put("not json")).error).to.match(/not JSON/);
      expect(store.receiptCount(task)).to.equal(0);
      expect((await fetch(`${base}/results/${sha(blob).slice(2)}`)).status).to.equal(404);
      expect((await put(genuine)).status).to.equal(201);
    });

    it("refuses a result whose receipt would exceed the task's receipts, and stores neither", async () => {
      const task = "0x" + "56".repeat(32);
      const minted = () => mintedReceipt(task);
      for (let i = 0; i < 3; i++) await uploadReceipt(base, worker, task, await minted());
      const err = await uploadResult(base, worker, task, Buffer.from("late"), await minted()).catch(
        (e: Error) => e,
      );
      expect(String(err)).to.match(/409/);
      expect(
        (await fetch(`${base}/results/${createHash("sha256").update("late").digest("hex")}`))
          .status,
      ).to.equal(404);
    });

    it("keeps the receipt limit when uploads for one task race (the limit is checked again once the blob is on disk)", async () => {
      const task = "0x" + "78".repeat(32);
      const minted = () => mintedReceipt(task);
      for (let i = 0; i < 2; i++) await uploadReceipt(base, worker, task, await minted());
      const bodies = await Promise.all(Array.from({ length: 5 }, minted));
      const outcomes = await Promise.all(
        bodies.map((body, i) =>
          uploadResult(base, worker, task, Buffer.from(`race ${i}`), body).then(
            () => "stored",
            (e: Error) => (/409/.test(e.message) ? "409" : e.message),
          ),
        ),
      );
      expect(outcomes.filter((o) => o === "stored")).to.have.length(1);
      expect(outcomes.filter((o) => o === "409")).to.have.length(4);
      expect(store.receiptCount(task)).to.equal(3);
    });

    it("refuses a receipt uploaded by a wallet that is not a pool worker", async () => {
      const body = await signed(receiptOf(4));
      const err = await uploadReceipt(base, stranger, taskId, body).catch((e: Error) => e);
      expect(String(err)).to.match(/403/);
      expect(
        (await fetch(`${base}/receipts/${taskId}/${receiptHash(receiptOf(4))}`)).status,
      ).to.equal(404);
    });
  });

  it("answers 404 for unknown and malformed hashes", async () => {
    expect((await fetch(`${base}/results/${"0".repeat(64)}`)).status).to.equal(404);
    expect((await fetch(`${base}/results/..%2F..%2Fetc%2Fpasswd`)).status).to.equal(404);
  });
});
