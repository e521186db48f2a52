import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { readResultKey } from "../../../sdk/actions/results/generateResultKey.js";
import { verifyTask } from "../../../sdk/actions/verify/verifyTask.js";
import type { StepStatus } from "../../../sdk/actions/verify/types.js";
import { examples, handler } from "../../command.js";
import { resolveFrom } from "../../config.js";
import { EXIT } from "../../errors.js";
import type { CliIo } from "../../io.js";

const MARKS: Record<StepStatus, string> = {
  pass: "PASS",
  fail: "FAIL",
  skip: "SKIP",
  pending: "TODO",
};

interface VerifyTaskOptions {
  key?: string;
  market: boolean;
  attestationRoot?: string;
}

/** Registers `polis verify task` on its parent command. */
export function registerVerifyTask(group: Command, io: CliIo): void {
  const cmd = group
    .command("task")
    .description(
      "check a task's whole chain of evidence: orders, deal, enclave signature, attestation, certificate chain, result digest, usage receipt",
    )
    .argument("<taskId>", "task id")
    .option("--key <file>", "beneficiary key, to check the digest of an encrypted result")
    .option("--no-market", "do not ask the market for the orders' contents")
    .option(
      "--attestation-root <file>",
      "attestation root certificate (PEM) the enclave's quote must chain to (default: the root the SMS pins)",
    )
    .action(
      handler(io, async (ctx, taskId: string, opts: VerifyTaskOptions) => {
        const client = await ctx.client();
        const keyPath = opts.key ? resolveFrom(io.cwd, opts.key) : (await ctx.settings()).resultKey;
        const key = opts.key || existsSync(keyPath) ? await readResultKey(keyPath) : undefined;
        const attestationRoot = opts.attestationRoot
          ? { rootCertPem: await readFile(resolveFrom(io.cwd, opts.attestationRoot), "utf8") }
          : await (await ctx.sms()).attestationRoot().catch(() => undefined); // the step says so
        const report = await verifyTask(client, {
          taskId,
          resultKeyPem: key?.pem,
          market: opts.market ? await ctx.market() : undefined,
          attestationRoot,
        });
        ctx.out.result(report, () => [
          `Evidence of task ${report.taskId}:`,
          ...report.steps.map((s) => `  ${MARKS[s.status]}  ${s.title}\n        ${s.detail}`),
          report.ok
            ? report.complete
              ? "All checks passed."
              : "No check failed (some were skipped or are pending)."
            : "Verification FAILED.",
        ]);
        if (!report.ok) {
          const failed = report.steps.filter((s) => s.status === "fail").map((s) => s.id);
          ctx.fail(
            EXIT.user,
            `Verification of task ${report.taskId} failed: ${failed.join(", ")}.`,
          );
        }
      }),
    );
  examples(cmd, [
    "polis verify task 0xTaskId",
    "polis verify task 0xTaskId --key result-key.pem --json",
    "polis verify task 0xTaskId --attestation-root authority/root.cert.pem",
  ]);
}
