import { existsSync, mkdirSync, renameSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";

/** Pipeline phases a crash can be injected before (see runPipeline). */
export const CRASH_PHASES = [
  "verify",
  "compute",
  "upload",
  "upload-commit",
  "submit",
  "reveal",
] as const;
export type CrashPhase = (typeof CRASH_PHASES)[number];

export interface CrashHookInit {
  /** This process's name in the pool ("worker0", ...). */
  name: string;
  /** Phases before which the process kills itself, once each (remembered in `markerDir`). */
  before?: readonly string[];
  /**
   * A file a test or soak driver writes, `{"phase": "compute", "worker"?: "worker1"}`: the first
   * matching process renames it to `<file>.<name>.claimed` (so exactly one process acts on it),
   * records the task there, and kills itself.
   */
  faultFile?: string;
  /** Folder for the once-only markers of `before`. */
  markerDir: string;
  logger?: Logger;
  /** How to die (default: SIGKILL to this process: no cleanup, no handover, like a power cut). */
  kill?: () => void;
}

/**
 * A `beforePhase` hook for crash tests: SIGKILLs the worker right before a chosen pipeline phase,
 * so a test can crash it at an exact point (in compute, between contribute and reveal, during
 * upload). Returns undefined when nothing is configured.
 */
export function createCrashHook(
  init: CrashHookInit,
): ((phase: string, taskId: string) => void) | undefined {
  const before = new Set(init.before ?? []);
  if (before.size === 0 && !init.faultFile) return undefined;
  const die = init.kill ?? (() => process.kill(process.pid, "SIGKILL"));
  return (phase, taskId) => {
    if (before.has(phase)) {
      const marker = join(init.markerDir, `crashed-before-${phase}`);
      if (!existsSync(marker)) {
        mkdirSync(init.markerDir, { recursive: true });
        writeFileSync(marker, taskId);
        init.logger?.warn({ phase, taskId }, "crash injected (POLIS_CRASH_BEFORE)");
        die();
        return;
      }
    }
    if (init.faultFile && existsSync(init.faultFile)) {
      let fault: { phase?: string; worker?: string };
      try {
        fault = JSON.parse(readFileSync(init.faultFile, "utf8")) as typeof fault;
      } catch {
        return;
      }
      if (fault.phase !== phase || (fault.worker && fault.worker !== init.name)) return;
      const claimed = `${init.faultFile}.${init.name}.claimed`;
      try {
        renameSync(init.faultFile, claimed);
      } catch {
        return; // another process claimed it first
      }
      writeFileSync(
        claimed,
        JSON.stringify({ ...fault, worker: init.name, taskId, at: Date.now() }),
      );
      init.logger?.warn({ phase, taskId }, "crash injected (POLIS_FAULT_FILE)");
      die();
    }
  };
}
