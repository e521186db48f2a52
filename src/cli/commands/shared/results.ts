import { join } from "node:path";
import { existsSync } from "node:fs";
import type { PolisClient } from "../../../sdk/client.js";
import { decryptResult } from "../../../sdk/actions/results/decryptResult.js";
import { downloadResult } from "../../../sdk/actions/results/downloadResult.js";
import { readResultKey } from "../../../sdk/actions/results/generateResultKey.js";
import { writeResultFiles } from "../../../sdk/actions/results/writeResultFiles.js";
import type { GetTaskReturnType } from "../../../sdk/actions/tasks/getTask.js";
import type { CliContext } from "../../context.js";

export interface FetchedResult {
  taskId: string;
  url: string;
  blobHash: string;
  /** On-chain digest, equal to the recomputed one. */
  resultDigest: string;
  encrypted: boolean;
  dir: string;
  files: string[];
}

/**
 * Downloads a task's result (blob checked against its content address), decrypts it with the
 * beneficiary key, checks the digest against the chain and writes the files under
 * `<outDir>/<taskId>/`.
 */
export async function fetchResult(
  ctx: CliContext,
  client: PolisClient,
  taskId: string,
  options: { outDir: string; keyPath?: string; task?: GetTaskReturnType },
): Promise<FetchedResult> {
  const progress = ctx.out.progress(`Downloading ${taskId.slice(0, 10)}…`);
  const downloaded = await downloadResult(client, {
    taskId,
    task: options.task,
    onProgress: (received, total) => progress.update(received, total, "bytes"),
  });
  progress.done();
  const keyPath = options.keyPath ?? (await ctx.settings()).resultKey;
  const key = options.keyPath || existsSync(keyPath) ? await readResultKey(keyPath) : undefined;
  const { files, digest, encrypted } = decryptResult({
    taskId,
    blob: downloaded.blob,
    privateKeyPem: key?.pem,
    expectedDigest: downloaded.resultDigest,
    callback: downloaded.task.deal.callback,
  });
  const dir = join(options.outDir, taskId);
  const written = await writeResultFiles(dir, files);
  return {
    taskId,
    url: downloaded.url,
    blobHash: downloaded.blobHash,
    resultDigest: digest,
    encrypted,
    dir,
    files: written,
  };
}
