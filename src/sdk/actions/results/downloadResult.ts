import { sha256Hex } from "../../../core/crypto/index.js";
import type { PolisClient } from "../../client.js";
import { IntegrityError, ResultNotAvailableError } from "../../errors/index.js";
import { fetchBytes } from "../../http.js";
import { getTask } from "../tasks/getTask.js";
import type { GetTaskReturnType } from "../tasks/getTask.js";

export interface DownloadResultParameters {
  taskId: string;
  /** The task, when already loaded. */
  task?: GetTaskReturnType;
  /** Give up after this many milliseconds (default 30 s). */
  timeoutMs?: number;
  /** Refuse blobs larger than this (default 256 MiB). */
  maxBytes?: number;
  onProgress?: (received: number, total?: number) => void;
}

export interface DownloadResultReturnType {
  taskId: string;
  url: string;
  /** The (encrypted) result blob. */
  blob: Buffer;
  /** sha256 of the blob, checked against the URL's last path segment. */
  blobHash: string;
  /** On-chain digest of the result archive. */
  resultDigest: string;
  task: GetTaskReturnType;
}

/**
 * Downloads a completed task's result from the URL in its TaskCompleted event and checks the
 * blob's sha256 against the content address in the URL (docs/PROTOCOLS.md §4).
 * @throws ResultNotAvailableError when the task is not completed or names no URL;
 * IntegrityError when the blob does not hash to its address; ServiceError when the store is down.
 * @example const { blob } = await downloadResult(client, { taskId });
 */
export async function downloadResult(
  client: PolisClient,
  params: DownloadResultParameters,
): Promise<DownloadResultReturnType> {
  const task = params.task ?? (await getTask(client, { taskId: params.taskId }));
  if (task.status !== "completed" || !task.completion) {
    throw new ResultNotAvailableError(task.taskId, `the task is ${task.status}`);
  }
  const url = task.completion.resultUrl;
  if (!url || !/^https?:\/\//.test(url)) {
    throw new ResultNotAvailableError(task.taskId, "its results field is not an http(s) URL");
  }
  const blob = await fetchBytes(url, {
    service: "result store",
    timeoutMs: params.timeoutMs,
    maxBytes: params.maxBytes ?? 256 * 1024 * 1024,
    onProgress: params.onProgress,
  });
  const blobHash = sha256Hex(blob);
  const expected = contentAddress(url);
  if (expected && expected !== blobHash) {
    throw new IntegrityError(`The result blob of task ${task.taskId}`, expected, blobHash, {
      hint: "The result store served other bytes than the content address in the on-chain URL.",
    });
  }
  return {
    taskId: task.taskId,
    url,
    blob,
    blobHash,
    resultDigest: task.completion.resultDigest,
    task,
  };
}

/** The sha256 a content-addressed URL ends with ("/results/<64 hex>"), as 0x-hex. */
export function contentAddress(url: string): string | undefined {
  const match = /\/([0-9a-fA-F]{64})(?:[?#].*)?$/.exec(url);
  return match ? "0x" + match[1].toLowerCase() : undefined;
}
