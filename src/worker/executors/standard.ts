import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ZeroAddress } from "ethers";
import { toDeal } from "../../core/deal.js";
import { DATASET_MAGIC } from "../../core/crypto/datasetFile.js";
import { sha256Hex } from "../../core/crypto/bytes.js";
import { UserError } from "../../core/errors/index.js";
import type { PolisClient } from "../../sdk/client.js";
import { getDataset } from "../../sdk/actions/assets/getDataset.js";
import { unpackBundle } from "../../enclave/bundle.js";
import { fetchDataset } from "../../enclave/host/dataset.js";
import { collectOutputs } from "../../enclave/host/outputs.js";
import { runSandboxed } from "../../enclave/sandbox/runSandboxed.js";
import type { Assignment } from "../../pool/protocol.js";
import type { ExecutionOutcome, TaskExecutor } from "../executor.js";
import type { AppBundles } from "./appBundles.js";
import { standardOutcome } from "./outcome.js";

export interface StandardExecutorInit {
  client: PolisClient;
  bundles: AppBundles;
  /** Parent of per-task folders. */
  workDir: string;
  /** The beneficiary's public result key, when it has one (read from the SMS). */
  beneficiaryKey: (beneficiary: string) => Promise<Buffer | undefined>;
}

/**
 * Runs standard (non-TEE) tasks in the same sandbox as enclave apps, with the same interface
 * (`<in>/dataset`, `params.json`, `secrets.json`; outputs in `<out>`), but no attestation and no
 * secrets: only clear datasets can be used, and the replicated consensus vouches for the result.
 */
export function createStandardExecutor(init: StandardExecutorInit): TaskExecutor {
  return {
    async execute(a: Assignment): Promise<ExecutionOutcome> {
      const deal = toDeal(a.deal);
      const app = await init.bundles.resolve(deal.app);
      await mkdir(init.workDir, { recursive: true, mode: 0o700 });
      const taskDir = await mkdtemp(join(init.workDir, "task-"));
      try {
        const appDir = join(taskDir, "app");
        const inDir = join(taskDir, "in");
        const outDir = join(taskDir, "out");
        await unpackBundle(await readFile(app.bundlePath), appDir, app.config.entrypoint);
        await mkdir(inDir, { mode: 0o700 });
        await mkdir(outDir, { mode: 0o700 });
        if (deal.dataset !== ZeroAddress) {
          const d = await getDataset(init.client, { dataset: deal.dataset });
          const file = await fetchDataset(d.uri);
          if (sha256Hex(file) !== d.checksum.toLowerCase()) {
            throw new UserError("The dataset's sha256 differs from its on-chain checksum.");
          }
          if (file.subarray(0, 8).equals(DATASET_MAGIC)) {
            throw new UserError("An encrypted dataset can only be used by a TEE deal.");
          }
          await writeFile(join(inDir, "dataset"), file, { mode: 0o600 });
        }
        await writeFile(join(inDir, "params.json"), a.params, { mode: 0o600 });
        await writeFile(join(inDir, "secrets.json"), '{"appSecret":null,"requesterSecrets":{}}', {
          mode: 0o600,
        });
        const run = await runSandboxed({
          runtime: app.config.runtime,
          appDir,
          entrypoint: app.config.entrypoint,
          inDir,
          outDir,
          limits: app.config.limits,
          scratchDir: taskDir,
        });
        if (run.outcome !== "ok") {
          throw new UserError(
            `The app did not complete (${run.outcome}, exit ${run.exitCode ?? run.signal}).`,
          );
        }
        const outputs = await collectOutputs(outDir, app.config.limits.outputBytes);
        return standardOutcome(
          outputs,
          a.taskId,
          deal.callback !== ZeroAddress,
          await init.beneficiaryKey(deal.beneficiary),
        );
      } finally {
        await rm(taskDir, { recursive: true, force: true });
      }
    },
  };
}
