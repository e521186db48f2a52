import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { SignedReceipt } from "../../src/core/index.js";

/**
 * A pool's result store as docs/PROTOCOLS.md describes it, on real HTTP on 127.0.0.1:
 * `GET /results/<sha256 hex>` serves blobs, `GET /receipts/<taskId>[/<receiptHash>]` serves signed receipts.
 * Tests can tamper with what it serves.
 */
export interface ResultStore {
  url: string;
  blobs: Map<string, Buffer>;
  receipts: Map<string, SignedReceipt>;
  /** Override what is served at a path (tampering). */
  overrides: Map<string, Buffer>;
  close(): Promise<void>;
}

export async function startResultStore(): Promise<ResultStore> {
  const blobs = new Map<string, Buffer>();
  const receipts = new Map<string, SignedReceipt>();
  const overrides = new Map<string, Buffer>();
  const server: Server = createServer((req, res) => {
    const path = req.url ?? "/";
    const override = overrides.get(path);
    if (override) return void res.end(override);
    const blob = /^\/results\/([0-9a-f]{64})$/.exec(path);
    if (blob && blobs.has(blob[1])) {
      res.setHeader("content-length", blobs.get(blob[1])!.length);
      return void res.end(blobs.get(blob[1]));
    }
    // By task, with or without the receipt hash: tests tamper with what a task's URL serves.
    const receipt = /^\/receipts\/(0x[0-9a-f]{64})(?:\/0x[0-9a-f]{64})?$/.exec(path);
    if (receipt && receipts.has(receipt[1])) {
      res.setHeader("content-type", "application/json");
      return void res.end(JSON.stringify(receipts.get(receipt[1])));
    }
    res.statusCode = 404;
    res.end(JSON.stringify({ error: { message: "not found" } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    blobs,
    receipts,
    overrides,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
