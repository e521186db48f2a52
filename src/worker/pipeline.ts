import { hexlify, toUtf8Bytes } from "ethers";
import type { Logger } from "pino";
import { resultHash, resultSeal, toDeal } from "../core/index.js";
import type { PolisClient } from "../sdk/client.js";
import { RpcRemoteError } from "../p2p/rpc.js";
import type { HelloResponse, ProgressRequest, ResultRequest } from "../pool/protocol.js";
import type { TxQueue } from "../pool/txQueue.js";
import { uploadResult } from "../results/client.js";
import type { TaskExecutor } from "./executor.js";
import type { WorkerMetrics } from "./metrics.js";
import { retryTransient } from "./retry.js";
import type { LocalTask, WorkerStore } from "./store.js";
import { verifyAssignment, type VerifiedDeals } from "./verify.js";

const STATUS = { Unset: 0, Active: 1, Revealing: 2, Completed: 3, Failed: 4 } as const;

export interface PipelineDeps {
  client: PolisClient;
  store: WorkerStore;
  executor: TaskExecutor;
  worker: string;
  pool: () => HelloResponse;
  call: <T>(request: unknown) => Promise<T>;
  logger: Logger;
  pollMs: number;
  /** Deals already checked against the chain (one read per deal, not per task). */
  verifiedDeals?: VerifiedDeals;
  /** Fault injection for crash tests: called with the phase about to start. */
  beforePhase?: (phase: string, taskId: string) => Promise<void> | void;
  metrics?: WorkerMetrics;
  /** The worker wallet's transaction queue (tasks run concurrently, nonces must not race). */
  txs: TxQueue;
  /** How long calls to the scheduler and its result store are retried while it is away (ms). */
  retryMs?: number;
  /**
   * Called once the task no longer needs a compute slot: its result is handed in (fast path) or
   * contributed (replicated), and what is left is waiting for the chain.
   */
  onWaiting?: () => void;
}

/**
 * Drives one task from wherever the journal says it stands: verify, compute, upload, then
 * contribute + reveal (replicated) or hand the proof to the scheduler (fast path, falling back to
 * pushing it on-chain itself if the scheduler is gone). Every phase is journaled before the next
 * side effect, and every on-chain step is checked first, so a restart never does a step twice.
 */
export async function runPipeline(
  deps: PipelineDeps,
  taskId: string,
  signal: AbortSignal,
): Promise<void> {
  const { store, client, logger } = deps;
  const progress = (p: Omit<ProgressRequest, "type" | "taskId">) =>
    deps
      .call({ type: "progress", taskId, ...p })
      .catch((err) =>
        logger.debug({ taskId, err: (err as Error).message }, "progress not delivered"),
      );
  let local = store.get(taskId)!;
  const a = local.assignment;
  const deal = toDeal(a.deal);
  const hook = async (phase: string) => deps.beforePhase?.(phase, taskId);
  const retry = <T>(what: string, run: () => Promise<T>) =>
    retryTransient(run, { signal, maxMs: deps.retryMs ?? 120_000, what, logger });
  const timed = async <T>(phase: string, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await run();
    } finally {
      deps.metrics?.phaseSeconds.observe({ phase }, (performance.now() - started) / 1000);
    }
  };

  if (local.phase === "assigned") {
    await hook("verify");
    await timed("verify", () =>
      verifyAssignment(client, deps.pool(), deps.worker, a, deps.verifiedDeals),
    );
    // A TEE task's start is told by its enclave's authorization request, one message less.
    if (a.mode !== "tee") void progress({ phase: "started" });
    await hook("compute");
    store.update(taskId, { attempt: true });
    const outcome = await timed("compute", () =>
      deps.executor.execute(a, {
        worker: deps.worker,
        signal,
        authorize: async (enclave) => {
          const { authorization } = await retry("authorize", () =>
            deps.call<{ authorization: string }>({ type: "authorize", taskId, enclave }),
          );
          store.update(taskId, { authorization });
          return authorization;
        },
      }),
    );
    if (signal.aborted) return;
    for (const [name, ms] of Object.entries(outcome.timings ?? {})) {
      const phase = `enclave_${name.replace(/Ms$/, "")}`;
      deps.metrics?.phaseSeconds.observe({ phase }, ms / 1000);
    }
    // A replicated task's contribution commits to this salt: it must survive an OS crash.
    store.update(taskId, { phase: "computed", outcome }, { durable: a.replicated });
    local = store.get(taskId)!;
    // A fast-path task's result request carries all of it moments later; only contributions,
    // which wait on the chain, report the intermediate phases.
    if (a.replicated)
      void progress({
        phase: "computed",
        callbackData: outcome.callbackData === "0x" ? undefined : outcome.callbackData,
      });
  }

  const outcome = local.outcome!;
  if (signal.aborted) return;
  if (local.phase === "computed") {
    await hook("upload");
    const resultUrl = await timed("upload", () =>
      retry("upload", () =>
        uploadResult(
          deps.pool().resultStoreUrl,
          signerOf(client),
          taskId,
          Buffer.from(outcome.blob, "base64"),
          outcome.receipt && JSON.stringify(outcome.receipt),
        ),
      ),
    );
    // Stored, but not journaled yet: a crash here re-uploads (idempotent) after the restart.
    await hook("upload-commit");
    if (signal.aborted) return;
    store.update(taskId, { phase: "uploaded", resultUrl });
    local = store.get(taskId)!;
    if (a.replicated) void progress({ phase: "uploaded", resultUrl });
  }

  if (signal.aborted) return;
  if (local.phase === "uploaded") {
    await hook("submit");
    if (a.replicated) await timed("contribute", () => contribute(deps, local));
    else await timed("submit", () => submitFast(deps, local));
    local = store.get(taskId)!;
  }

  if (["contributed", "submitted", "revealed"].includes(local.phase)) deps.onWaiting?.();
  if (local.phase === "contributed") {
    await hook("reveal");
    const revealed = await timed("reveal", () => revealWhenReady(deps, local, signal));
    local = store.get(taskId)!;
    if (revealed) void progress({ phase: "revealed" });
  }

  if (local.phase === "submitted" || local.phase === "revealed") {
    await waitUntilClosed(deps, taskId, deal, signal);
  }
}

function signerOf(client: PolisClient) {
  if (!client.signer) throw new Error("worker client needs a signer");
  return client.signer;
}

async function contribute(deps: PipelineDeps, local: LocalTask): Promise<void> {
  const { client, store } = deps;
  const a = local.assignment;
  const o = local.outcome!;
  const mine = await client.taskManager.contributionOf(a.taskId, deps.worker);
  if (Number(mine.status) === 0) {
    const tx = await deps.txs.send(() =>
      client.taskManager.contribute(
        a.dealId,
        toDeal(a.deal),
        BigInt(a.index),
        {
          resultHash: resultHash(a.taskId, o.resultDigest),
          resultSeal: resultSeal(deps.worker, a.taskId, o.resultDigest),
          receiptHash: o.receiptHash,
          enclave: o.enclave,
          enclaveSignature: o.enclaveSignature,
          attestation: o.attestation,
        },
        local.authorization ?? a.authorization ?? "0x",
      ),
    );
    await tx.wait();
  }
  store.update(a.taskId, { phase: "contributed" });
  void deps
    .call({ type: "progress", taskId: a.taskId, phase: "contributed" })
    .catch(() => undefined);
}

async function submitFast(deps: PipelineDeps, local: LocalTask): Promise<void> {
  const { client, store, logger } = deps;
  const a = local.assignment;
  const o = local.outcome!;
  const result: ResultRequest["result"] = {
    index: a.index,
    worker: deps.worker,
    resultDigest: o.resultDigest,
    receiptHash: o.receiptHash,
    enclave: o.enclave,
    enclaveSignature: o.enclaveSignature,
    attestation: o.attestation,
    results: hexlify(toUtf8Bytes(local.resultUrl ?? "")),
    callbackData: o.callbackData,
  };
  try {
    await deps.call({ type: "result", taskId: a.taskId, result });
  } catch (err) {
    if (err instanceof RpcRemoteError) throw err;
    // The scheduler is unreachable: the worker's own authorization lets it finish the task itself.
    logger.warn(
      { taskId: a.taskId, err: (err as Error).message },
      "scheduler unreachable; pushing the result on-chain",
    );
    const status = Number((await client.taskManager.taskOf(a.taskId)).status);
    if (status !== STATUS.Completed) {
      try {
        const tx = await deps.txs.send(() =>
          client.taskManager.pushResult(
            a.dealId,
            toDeal(a.deal),
            { ...result, index: BigInt(a.index) },
            local.authorization ?? a.authorization ?? "0x",
          ),
        );
        await tx.wait();
      } catch (pushErr) {
        // Someone (the scheduler, back meanwhile) may have completed it first: that is success.
        const now = Number((await client.taskManager.taskOf(a.taskId)).status);
        if (now !== STATUS.Completed) throw pushErr;
      }
    }
  }
  store.update(a.taskId, { phase: "submitted" });
}

async function revealWhenReady(
  deps: PipelineDeps,
  local: LocalTask,
  signal: AbortSignal,
): Promise<boolean> {
  const { client, store } = deps;
  const a = local.assignment;
  const digest = local.outcome!.resultDigest;
  const mine = resultHash(a.taskId, digest);
  while (!signal.aborted) {
    const view = await client.taskManager.taskOf(a.taskId);
    const status = Number(view.status);
    if (status === STATUS.Revealing) {
      const c = await client.taskManager.contributionOf(a.taskId, deps.worker);
      if (view.consensusHash !== mine || Number(c.status) !== 1) {
        // Not among the winners (or already revealed): nothing more to do.
        store.update(a.taskId, { phase: Number(c.status) === 2 ? "revealed" : "done" });
        return Number(c.status) === 2;
      }
      const tx = await deps.txs.send(() => client.taskManager.reveal(a.taskId, digest));
      await tx.wait();
      store.update(a.taskId, { phase: "revealed" });
      return true;
    }
    if (status === STATUS.Completed || status === STATUS.Failed) {
      store.update(a.taskId, { phase: "done" });
      return false;
    }
    await sleep(deps.pollMs, signal);
  }
  return false;
}

/**
 * Waits for the task to close on-chain (or pass its final deadline). The scheduler also reports
 * closed tasks in heartbeat replies, which ends this wait early, so the chain is polled slowly.
 */
async function waitUntilClosed(
  deps: PipelineDeps,
  taskId: string,
  deal: ReturnType<typeof toDeal>,
  signal: AbortSignal,
): Promise<void> {
  while (!signal.aborted) {
    // Heartbeat replies usually end the wait first: the chain is read only after a poll period.
    await sleep(deps.pollMs * 4, signal);
    if (signal.aborted || deps.store.get(taskId)?.phase === "done") return;
    const status = Number((await deps.client.taskManager.taskOf(taskId)).status);
    if (status === STATUS.Completed || status === STATUS.Failed) {
      deps.store.update(taskId, { phase: "done" });
      return;
    }
    const block = await deps.client.provider.getBlock("latest");
    if (BigInt(block?.timestamp ?? 0) >= deal.startTime + deal.timeRef * 10n) {
      deps.store.update(taskId, { phase: "done" });
      return;
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });
}
