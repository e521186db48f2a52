import { fork, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { getBytes } from "ethers";
import type { Signer } from "ethers";
import type { Logger } from "pino";
import { EnclaveError } from "./errors.js";
import type { HostProcessConfig } from "./host/hostMain.js";
import type {
  EnclaveTaskResult,
  EnclaveTaskSpec,
  HostMessage,
  ParentMessage,
} from "./host/protocol.js";

export interface EnclaveHostInit {
  /** Folder written by scripts/attestation/enrol-host.ts (platform key 0400, chain, info). */
  platformDir: string;
  /** Parent of per-task folders. Default: /dev/shm (memory, never disk) when present, else tmp. */
  workDir?: string;
  /** Node binary for the host and the apps. Default: the current one. */
  nodePath?: string;
  /** Ready timeout of the host process. Default: 30 s. */
  startTimeoutMs?: number;
}

export interface EnclaveHostComponents {
  logger?: Logger;
}

/** What the worker supplies while a task runs inside the enclave. */
export interface EnclaveTaskHooks {
  /** The scheduler's EIP-712 WorkerAuthorization(worker, taskId, enclave) for the fresh enclave. */
  authorize(enclave: string): Promise<string>;
  /** The worker's EIP-191 signature over the session request digest (32 bytes, 0x-hex). */
  signSessionRequest(digest: string): Promise<string>;
}

/** A long-lived enclave host process that runs TEE tasks (concurrently) for one worker. */
export interface EnclaveHost {
  start(): Promise<void>;
  /** Stops the host; running tasks fail with EnclaveError("HostStopped"). */
  stop(): Promise<void>;
  /**
   * Runs one TEE task end to end inside the host.
   * @returns what TaskManager.pushResult needs plus the encrypted result and signed receipt.
   * @throws EnclaveError (reason says which phase failed; never carries secrets)
   */
  runTask(spec: EnclaveTaskSpec, hooks: EnclaveTaskHooks): Promise<EnclaveTaskResult>;
  /** PID of the host process (undefined before start). */
  readonly pid: number | undefined;
  /** Whether apps run without network on this machine (known after start). */
  readonly networkIsolated: boolean;
}

const HOST_ENTRY = fileURLToPath(new URL("./host/host.mjs", import.meta.url));

interface Running {
  hooks: EnclaveTaskHooks;
  resolve: (r: EnclaveTaskResult) => void;
  reject: (e: Error) => void;
}

/**
 * Creates the parent-side handle of an enclave host: a separate OS process (IPC over a fork
 * channel) that holds the platform key, per-task enclave keys and released secrets.
 * @example
 * const host = createEnclaveHost({ logger }, { platformDir: "/etc/polis/host" });
 * await host.start();
 * const out = await host.runTask(spec, workerHooks(workerWallet, (enclave) => askScheduler(enclave)));
 */
export function createEnclaveHost(
  components: EnclaveHostComponents,
  init: EnclaveHostInit,
): EnclaveHost {
  const log = components.logger?.child({ module: "enclave-host" });
  let child: ChildProcess | undefined;
  let networkIsolated = false;
  let nextId = 1;
  const running = new Map<number, Running>();
  const workDir =
    init.workDir ??
    join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), `polis-enclave-${process.pid}`);
  const nodePath = init.nodePath ?? process.execPath;

  const failAll = (reason: "HostCrashed" | "HostStopped", message: string) => {
    for (const [id, r] of running) {
      running.delete(id);
      r.reject(new EnclaveError(reason, message));
    }
  };
  const send = (m: ParentMessage) => {
    if (child?.connected) child.send(m);
  };

  const onMessage = (m: HostMessage) => {
    if (m.type === "ready" || m.type === "fatal") return;
    const r = running.get(m.id);
    if (!r) return;
    switch (m.type) {
      case "needAuthorization":
        r.hooks.authorize(m.enclave).then(
          (signature) => send({ type: "authorization", id: m.id, signature }),
          (e: unknown) => send({ type: "hookFailed", id: m.id, message: String(e) }),
        );
        break;
      case "needWorkerSignature":
        r.hooks.signSessionRequest(m.digest).then(
          (signature) => send({ type: "workerSignature", id: m.id, signature }),
          (e: unknown) => send({ type: "hookFailed", id: m.id, message: String(e) }),
        );
        break;
      case "result":
        running.delete(m.id);
        r.resolve(m.result);
        break;
      case "error":
        running.delete(m.id);
        r.reject(new EnclaveError(m.error.reason, m.error.message, { details: m.error.details }));
        break;
    }
  };

  return {
    get pid() {
      return child?.pid;
    },
    get networkIsolated() {
      return networkIsolated;
    },
    async start() {
      if (child) return;
      const config: HostProcessConfig = { platformDir: init.platformDir, workDir, nodePath };
      const proc = fork(HOST_ENTRY, [JSON.stringify(config)], {
        execPath: nodePath,
        // POLIS_CPU_PROFILE_DIR (as for the pool processes): a V8 CPU profile on a clean exit.
        execArgv: [
          "--no-warnings",
          ...(process.env.POLIS_CPU_PROFILE_DIR
            ? ["--cpu-prof", `--cpu-prof-dir=${process.env.POLIS_CPU_PROFILE_DIR}`]
            : []),
        ],
        serialization: "advanced",
        stdio: ["ignore", "ignore", "pipe", "ipc"],
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
      });
      child = proc;
      proc.stderr!.setEncoding("utf8");
      proc.stderr!.on("data", (line: string) =>
        log?.debug({ host: line.slice(0, 2000) }, "host stderr"),
      );
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new EnclaveError("HostCrashed", "The enclave host did not start.")),
          init.startTimeoutMs ?? 30_000,
        );
        proc.on("message", function first(m: HostMessage) {
          if (m.type === "ready") {
            clearTimeout(timer);
            networkIsolated = m.networkIsolated;
            log?.info(
              { pid: proc.pid, platformId: m.platformId, networkIsolated },
              "enclave host ready",
            );
            resolve();
          } else if (m.type === "fatal") {
            clearTimeout(timer);
            reject(new EnclaveError("HostCrashed", `The enclave host failed: ${m.message}`));
          }
        });
        proc.once("exit", (code) => {
          clearTimeout(timer);
          reject(new EnclaveError("HostCrashed", `The enclave host exited (${code}).`));
        });
      });
      proc.on("message", onMessage);
      proc.on("exit", (code, signal) => {
        if (child === proc) child = undefined;
        failAll("HostCrashed", `The enclave host exited (${code ?? signal}).`);
      });
    },
    async stop() {
      const proc = child;
      if (!proc) return;
      const removeWorkDir = () =>
        init.workDir ? Promise.resolve() : rm(workDir, { recursive: true, force: true });
      child = undefined;
      failAll("HostStopped", "The enclave host was stopped.");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => proc.kill("SIGKILL"), 5_000);
        proc.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        if (proc.connected) proc.send({ type: "shutdown" } satisfies ParentMessage);
        else proc.kill("SIGTERM");
      });
      await removeWorkDir();
    },
    runTask(spec, hooks) {
      if (!child?.connected)
        return Promise.reject(new EnclaveError("HostStopped", "The enclave host is not running."));
      const id = nextId++;
      return new Promise<EnclaveTaskResult>((resolve, reject) => {
        running.set(id, { hooks, resolve, reject });
        send({ type: "run", id, spec });
      });
    },
  };
}

/**
 * Hooks for a worker: its wallet signs the session request; `authorize` gets the scheduler's
 * authorization for the enclave address (from the scheduler, over the pool protocol).
 */
export function workerHooks(
  worker: Pick<Signer, "signMessage">,
  authorize: (enclave: string) => Promise<string>,
): EnclaveTaskHooks {
  return {
    authorize,
    signSessionRequest: (digest) => worker.signMessage(getBytes(digest)),
  };
}

/**
 * One-shot convenience: starts a host, runs one task, stops the host.
 * @example const out = await runEnclaveTask(spec, workerHooks(wallet, authorize), { platformDir });
 */
export async function runEnclaveTask(
  spec: EnclaveTaskSpec,
  hooks: EnclaveTaskHooks,
  init: EnclaveHostInit,
  components: EnclaveHostComponents = {},
): Promise<EnclaveTaskResult> {
  const host = createEnclaveHost(components, init);
  await host.start();
  try {
    return await host.runTask(spec, hooks);
  } finally {
    await host.stop();
  }
}
