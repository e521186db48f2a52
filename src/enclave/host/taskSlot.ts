import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { unpackBundle } from "../bundle.js";
import { EnclaveError } from "../errors.js";
import type { EnclaveConfig } from "../measurement.js";
import type { IsolationSupport } from "../sandbox/isolation.js";
import { runSandboxed, type SandboxResult } from "../sandbox/runSandboxed.js";
import { WarmSandbox } from "../sandbox/warmSandbox.js";
import type { WarmSandboxes } from "./warmSandboxes.js";

/** Where one task's app runs: its input and output folders, and how to run it there. */
export interface TaskSlot {
  inDir: string;
  outDir: string;
  run(): Promise<SandboxResult>;
  /** Removes what the task left (always called); `reusable`: the app ran cleanly or not at all. */
  finish(reusable: boolean): Promise<void>;
}

export interface SlotOptions {
  bundle: Buffer;
  config: EnclaveConfig;
  /** The deal's warm-sandbox key (chain, task manager, deal id, measurement). */
  dealKey: string;
  workDir: string;
  nodePath: string;
  isolation: IsolationSupport;
  warm: WarmSandboxes;
}

/**
 * Opens the task's slot: a fresh task folder and app process per task, or, for apps measured with
 * `"reuse": "deal"`, a warm sandbox of the same deal (started, with its bundle unpacked, when
 * the deal has none idle).
 * @throws EnclaveError("BundleInvalid" | "AppFailed")
 */
export async function openTaskSlot(o: SlotOptions): Promise<TaskSlot> {
  const { config } = o;
  if (config.reuse === "deal") {
    const lease = await o.warm.acquire(o.dealKey, async (slotDir) => {
      const appDir = join(slotDir, "app");
      await unpackBundle(o.bundle, appDir, config.entrypoint);
      return WarmSandbox.start({
        runtime: config.runtime,
        appDir,
        entrypoint: config.entrypoint,
        slotDir,
        limits: config.limits,
        nodePath: o.nodePath,
        captureStderr: config.debug,
        isolation: o.isolation,
      }).catch((cause: unknown) => {
        throw new EnclaveError("AppFailed", "The app did not load in its warm sandbox.", {
          cause,
          details: config.debug && cause instanceof Error ? cause.message : undefined,
        });
      });
    });
    return {
      inDir: lease.sandbox.inDir,
      outDir: lease.sandbox.outDir,
      run: () => lease.sandbox.run(),
      finish: (reusable) => o.warm.release(lease, reusable),
    };
  }
  await mkdir(o.workDir, { recursive: true, mode: 0o700 });
  const taskDir = await mkdtemp(join(o.workDir, "task-"));
  const appDir = join(taskDir, "app");
  const inDir = join(taskDir, "in");
  const outDir = join(taskDir, "out");
  try {
    await unpackBundle(o.bundle, appDir, config.entrypoint);
    await mkdir(inDir, { mode: 0o700 });
    await mkdir(outDir, { mode: 0o700 });
  } catch (e) {
    await rm(taskDir, { recursive: true, force: true });
    throw e;
  }
  return {
    inDir,
    outDir,
    run: () =>
      runSandboxed({
        runtime: config.runtime,
        appDir,
        entrypoint: config.entrypoint,
        inDir,
        outDir,
        limits: config.limits,
        nodePath: o.nodePath,
        captureStderr: config.debug,
        scratchDir: taskDir,
        isolation: o.isolation,
      }),
    finish: () => rm(taskDir, { recursive: true, force: true }),
  };
}
