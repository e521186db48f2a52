import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { UserError } from "../../../core/errors/index.js";
import { decryptResult } from "../../../sdk/actions/results/decryptResult.js";
import { readResultKey } from "../../../sdk/actions/results/generateResultKey.js";
import { writeResultFiles } from "../../../sdk/actions/results/writeResultFiles.js";
import { getTask } from "../../../sdk/actions/tasks/getTask.js";
import { examples, handler } from "../../command.js";
import { resolveFrom } from "../../config.js";
import type { CliIo } from "../../io.js";
import { parse } from "../../parse.js";

interface DecryptFlags {
  task: string;
  key?: string;
  out: string;
  verify: boolean;
}

/** Registers `polis result decrypt` on its parent command. */
export function registerResultDecrypt(group: Command, io: CliIo): void {
  const cmd = group
    .command("decrypt")
    .description("decrypt a downloaded result blob and check its digest against the chain")
    .argument("<file>", "the encrypted result blob")
    .requiredOption("--task <taskId>", "the task it belongs to (the AAD of the encryption)")
    .option("--key <file>", "beneficiary key (default: resultKey of polis.json)")
    .option("--out <dir>", "output folder (files go to <dir>/<taskId>/)", "results")
    .option("--no-verify", "do not compare the digest with the chain (offline)")
    .action(
      handler(io, async (ctx, file: string, opts: DecryptFlags) => {
        const taskId = parse.bytes32(opts.task, "--task");
        let blob: Buffer;
        try {
          blob = await readFile(resolveFrom(io.cwd, file));
        } catch {
          throw new UserError(`Cannot read ${file}.`);
        }
        const keyPath = opts.key ? resolveFrom(io.cwd, opts.key) : (await ctx.settings()).resultKey;
        const { pem } = await readResultKey(keyPath);
        const task = opts.verify ? await getTask(await ctx.client(), { taskId }) : undefined;
        const { files, digest } = decryptResult({
          taskId,
          blob,
          privateKeyPem: pem,
          expectedDigest: task?.completion?.resultDigest,
          callback: task?.deal.callback,
        });
        const dir = join(resolveFrom(io.cwd, opts.out), taskId);
        const written = await writeResultFiles(dir, files);
        ctx.out.result(
          { taskId, digest, verified: task !== undefined, dir, files: written },
          () => [
            task
              ? `Digest ${digest} matches the chain.`
              : `Digest ${digest} (not compared with the chain).`,
            `Wrote ${written.length} file(s) to ${dir}: ${written.join(", ")}`,
          ],
        );
      }),
    );
  examples(cmd, ["polis result decrypt results/0xTaskId.bin --task 0xTaskId"]);
}
