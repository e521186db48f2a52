import { join } from "node:path";
import type { Command } from "commander";
import { downloadResult } from "../../../sdk/actions/results/downloadResult.js";
import { writeAtomic } from "../../../sdk/internal/files.js";
import { examples, handler } from "../../command.js";
import { resolveFrom } from "../../config.js";
import type { CliIo } from "../../io.js";
import { fetchResult } from "../shared/results.js";

/** Registers `polis result download` on its parent command. */
export function registerResultDownload(group: Command, io: CliIo): void {
  const cmd = group
    .command("download")
    .description("download a task's result, check it against the chain, decrypt and unpack it")
    .argument("<taskId>", "task id")
    .option("--out <dir>", "output folder (files go to <dir>/<taskId>/)", "results")
    .option("--key <file>", "beneficiary key (default: resultKey of polis.json)")
    .option("--raw", "only download and check the encrypted blob (<dir>/<taskId>.bin)")
    .action(
      handler(
        io,
        async (ctx, taskId: string, opts: { out: string; key?: string; raw?: boolean }) => {
          const client = await ctx.client();
          const outDir = resolveFrom(io.cwd, opts.out);
          if (opts.raw) {
            const d = await downloadResult(client, { taskId });
            const file = join(outDir, `${d.taskId}.bin`);
            await writeAtomic(file, d.blob);
            ctx.out.result(
              { taskId: d.taskId, url: d.url, blobHash: d.blobHash, file },
              () =>
                `Downloaded ${d.blob.length} bytes to ${file} (matches its content address ${d.blobHash}).`,
            );
            return;
          }
          const result = await fetchResult(ctx, client, taskId, {
            outDir,
            keyPath: opts.key ? resolveFrom(io.cwd, opts.key) : undefined,
          });
          ctx.out.result(result, () => [
            `Result of task ${result.taskId} verified against the on-chain digest ${result.resultDigest}.`,
            `Wrote ${result.files.length} file(s) to ${result.dir}: ${result.files.join(", ")}`,
          ]);
        },
      ),
    );
  examples(cmd, [
    "polis result download 0xTaskId",
    "polis result download 0xTaskId --out out --key my-key.pem",
  ]);
}
