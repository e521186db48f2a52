import express, { type Router, type Request, type Response } from "express";
import { createHash } from "node:crypto";
import type { Logger } from "pino";
import { RateLimiter } from "../p2p/rateLimiter.js";
import { uploadMessage, uploadSigner } from "./auth.js";
import { parseSignedReceipt } from "./receiptBody.js";
import type { ResultStore } from "./store.js";

export interface ResultRoutesInit {
  /** Whether a wallet may upload (a worker of this pool). */
  isUploader: (address: string) => boolean;
  /** Public base URL written into `results` on-chain, e.g. http://127.0.0.1:13600. */
  publicUrl: string;
  /** Largest blob accepted (default 64 MiB). */
  maxBlobBytes?: number;
  /** Receipts kept per task (default 16): every run of a task may store one. */
  maxReceiptsPerTask?: number;
  /** Accepted clock skew of upload signatures (default 300 s). */
  maxSkewSeconds?: number;
  now?: () => number;
}

/** Largest receipt accepted, alone or along with its result. */
const MAX_RECEIPT_BYTES = 64 * 1024;

/**
 * Result store routes: `PUT /results` and `PUT /receipts/:taskId` need a worker's signature;
 * `GET /results/:sha256` and `GET /receipts/:taskId[/:receiptHash]` are open (results are
 * encrypted to the beneficiary, receipts are signed by the enclave). A receipt is stored under
 * its hash: verifiers fetch the one whose hash the chain holds, whatever else was uploaded.
 * A worker hands in a TEE task's output in one request: `PUT /results` with
 * `X-Polis-Receipt-Length: n`, the receipt's n bytes first, then the blob (one signature over
 * both, one commit for both).
 */
export function resultRoutes(store: ResultStore, init: ResultRoutesInit, logger: Logger): Router {
  const router = express.Router();
  const maxBlobBytes = init.maxBlobBytes ?? 64 * 1024 * 1024;
  const maxReceiptsPerTask = init.maxReceiptsPerTask ?? 16;
  const skew = init.maxSkewSeconds ?? 300;
  const now = init.now ?? (() => Math.floor(Date.now() / 1000));
  const limiter = new RateLimiter(200, 100);

  function authorize(
    req: Request,
    res: Response,
    kind: "result" | "receipt",
    contentHash: string,
    receiptContentHash?: string,
  ): string | undefined {
    const taskId = String(req.header("x-polis-task") ?? "");
    const issuedAt = Number(req.header("x-polis-issued-at"));
    const signature = String(req.header("x-polis-signature") ?? "");
    if (!/^0x[0-9a-fA-F]{64}$/.test(taskId) || !Number.isSafeInteger(issuedAt)) {
      res
        .status(400)
        .json({ error: "Missing or malformed X-Polis-Task / X-Polis-Issued-At headers." });
      return undefined;
    }
    if (Math.abs(now() - issuedAt) > skew) {
      res.status(401).json({
        error: "Upload signature is expired or from the future; check the worker's clock.",
      });
      return undefined;
    }
    const signer = uploadSigner(
      uploadMessage(kind, contentHash, taskId, issuedAt, receiptContentHash),
      signature,
    );
    if (!signer || !init.isUploader(signer)) {
      res
        .status(403)
        .json({ error: "Uploads need the signature of a worker registered in this pool." });
      return undefined;
    }
    return signer;
  }

  // A task runs a few times at most (re-assignments, replicas): a worker that keeps minting
  // enclave keys to sign receipts fills no disk.
  const tooManyReceipts = (res: Response) =>
    void res.status(409).json({
      error: `This task already has ${maxReceiptsPerTask} receipts; no more are stored.`,
    });
  const isFull = (taskId: string, hash: string) =>
    store.getReceipt(taskId, hash) === undefined &&
    store.receiptCount(taskId) >= maxReceiptsPerTask;

  /** Checks a signed receipt for `taskId` and that the task has room for it; answers if not. */
  function acceptReceipt(res: Response, taskId: string, body: string): string | undefined {
    const parsed = parseSignedReceipt(body, taskId);
    if ("error" in parsed) return void res.status(400).json({ error: parsed.error });
    if (isFull(taskId, parsed.hash)) return tooManyReceipts(res);
    return parsed.hash;
  }

  const rawBody = express.raw({ type: () => true, limit: maxBlobBytes + MAX_RECEIPT_BYTES });
  router.put("/results", rawBody, async (req, res) => {
    if (!limiter.take(req.ip ?? "?"))
      return void res.status(429).json({ error: "Too many requests." });
    const body = req.body as Buffer;
    if (!Buffer.isBuffer(body) || body.length === 0)
      return void res.status(400).json({ error: "Empty body." });
    const split = splitReceipt(req.header("x-polis-receipt-length"), body);
    if ("error" in split) return void res.status(400).json({ error: split.error });
    const { receipt, blob } = split;
    if (blob.length > maxBlobBytes)
      return void res.status(413).json({ error: `Results are limited to ${maxBlobBytes} bytes.` });
    const sha256 = createHash("sha256").update(blob).digest("hex");
    const receiptSha =
      receipt === undefined ? undefined : "0x" + createHash("sha256").update(receipt).digest("hex");
    const uploader = authorize(req, res, "result", "0x" + sha256, receiptSha);
    if (!uploader) return;
    const taskId = String(req.header("x-polis-task"));
    let withReceipt: { hash: string; body: string; maxPerTask: number } | undefined;
    if (receipt !== undefined) {
      const hash = acceptReceipt(res, taskId, receipt);
      if (!hash) return;
      withReceipt = { hash, body: receipt, maxPerTask: maxReceiptsPerTask };
    }
    // Checked again once the blob is on disk: concurrent uploads cannot pass the limit together.
    const stored = await store.put(blob, taskId, uploader, withReceipt);
    if (stored.receiptRefused) return tooManyReceipts(res);
    logger.info(
      { sha256, size: blob.length, uploader, receipt: withReceipt?.hash },
      "result stored",
    );
    res.status(201).json({
      sha256,
      url: `${init.publicUrl}/results/${sha256}`,
      ...(withReceipt && { receiptHash: withReceipt.hash }),
    });
  });

  router.get("/results/:sha256", (req, res) => {
    const data = store.get(String(req.params.sha256));
    if (!data)
      return void res.status(404).json({ error: "No result with this hash in this pool's store." });
    res.type("application/octet-stream").send(data);
  });

  router.put(
    "/receipts/:taskId",
    express.text({ type: () => true, limit: MAX_RECEIPT_BYTES }),
    (req, res) => {
      const taskId = String(req.params.taskId);
      if (typeof req.body !== "string" || req.body.length === 0)
        return void res.status(400).json({ error: "Empty body." });
      if (String(req.header("x-polis-task") ?? "").toLowerCase() !== taskId.toLowerCase()) {
        return void res.status(400).json({ error: "X-Polis-Task must match the receipt's task." });
      }
      const contentHash = "0x" + createHash("sha256").update(req.body).digest("hex");
      const uploader = authorize(req, res, "receipt", contentHash);
      if (!uploader) return;
      const hash = acceptReceipt(res, taskId, req.body);
      if (!hash) return;
      const created = store.putReceipt(taskId, hash, req.body, uploader);
      res.status(created ? 201 : 200).json({ taskId, receiptHash: hash, created });
    },
  );

  const serveReceipt = (req: Request, res: Response) => {
    const hash = req.params.receiptHash === undefined ? undefined : String(req.params.receiptHash);
    const body = store.getReceipt(String(req.params.taskId), hash);
    if (!body)
      return void res.status(404).json({
        error: hash
          ? "No receipt with this hash for this task in this pool's store."
          : "No receipt for this task in this pool's store.",
      });
    res.type("application/json").send(body);
  };
  router.get("/receipts/:taskId", serveReceipt);
  router.get("/receipts/:taskId/:receiptHash", serveReceipt);

  return router;
}

/** Splits a result upload into its receipt (the first `X-Polis-Receipt-Length` bytes) and blob. */
function splitReceipt(
  header: string | undefined,
  body: Buffer,
): { receipt?: string; blob: Buffer } | { error: string } {
  if (header === undefined) return { blob: body };
  const n = /^[0-9]{1,6}$/.test(header) ? Number(header) : NaN;
  if (!(n > 0 && n <= MAX_RECEIPT_BYTES && n < body.length))
    return {
      error: `X-Polis-Receipt-Length must be the receipt's size in bytes (1-${MAX_RECEIPT_BYTES}), less than the body's.`,
    };
  return { receipt: body.subarray(0, n).toString("utf8"), blob: body.subarray(n) };
}
