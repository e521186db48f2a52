import { BaseError, ServiceError } from "../../../../core/errors/index.js";
import { IntegrityError, WrongResultKeyError } from "../../../errors/index.js";
import { decryptResult } from "../../results/decryptResult.js";
import { downloadResult } from "../../results/downloadResult.js";
import type { VerifyStep } from "../types.js";

/**
 * The result at the on-chain URL is the committed one: the blob hashes to its content address,
 * and (with the beneficiary key, or for clear results) the archive hashes to resultDigest.
 */
export const resultDigestStep: VerifyStep = {
  id: "result-digest",
  title: "Result matches the on-chain digest",
  dependsOn: ["deal"],
  async run(ctx) {
    const task = ctx.task!;
    if (!task.completion?.resultUrl) {
      return { status: "skip", detail: "The task names no downloadable result." };
    }
    let downloaded;
    try {
      downloaded = await downloadResult(ctx.client, {
        taskId: ctx.taskId,
        task,
        timeoutMs: ctx.timeoutMs,
      });
    } catch (error) {
      if (error instanceof IntegrityError) return { status: "fail", detail: error.shortMessage };
      if (error instanceof BaseError) {
        return { status: "skip", detail: `The result is not downloadable: ${error.shortMessage}` };
      }
      throw error;
    }
    try {
      const { digest, encrypted } = decryptResult({
        taskId: ctx.taskId,
        blob: downloaded.blob,
        privateKeyPem: ctx.resultKeyPem,
        expectedDigest: task.completion.resultDigest,
        callback: ctx.deal!.deal.callback,
      });
      return {
        status: "pass",
        detail: `The blob at ${downloaded.url} matches its address and its ${encrypted ? "decrypted " : ""}archive hashes to the on-chain digest ${digest.slice(0, 18)}….`,
        data: { url: downloaded.url, blobHash: downloaded.blobHash, digest },
      };
    } catch (error) {
      if (error instanceof IntegrityError || error instanceof ServiceError) {
        return { status: "fail", detail: error.shortMessage };
      }
      if (error instanceof WrongResultKeyError) {
        return {
          status: "skip",
          detail:
            "The blob matches its address; the given key cannot decrypt it, so the digest was not checked.",
        };
      }
      if (error instanceof BaseError) {
        if (!ctx.resultKeyPem && /encrypted/.test(error.shortMessage)) {
          return {
            status: "skip",
            detail:
              "The blob matches its content address; the digest needs the beneficiary key (--key).",
            data: { url: downloaded.url, blobHash: downloaded.blobHash },
          };
        }
        return { status: "fail", detail: error.shortMessage };
      }
      throw error;
    }
  },
};
