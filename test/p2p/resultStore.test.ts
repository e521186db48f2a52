import { expect } from "chai";
import express from "express";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { Wallet } from "ethers";
import pino from "pino";
import {
  ResultStore,
  resultRoutes,
  uploadReceipt,
  uploadResult,
  uploadMessage,
} from "../../src/results/index.js";

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

  it("keeps the first receipt of a task", async () => {
    await uploadReceipt(base, worker, taskId, '{"version":1}');
    await uploadReceipt(base, worker, taskId, '{"version":2}');
    expect(await (await fetch(`${base}/receipts/${taskId}`)).text()).to.equal('{"version":1}');
  });

  it("answers 404 for unknown and malformed hashes", async () => {
    expect((await fetch(`${base}/results/${"0".repeat(64)}`)).status).to.equal(404);
    expect((await fetch(`${base}/results/..%2F..%2Fetc%2Fpasswd`)).status).to.equal(404);
  });
});
