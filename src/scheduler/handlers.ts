import type { Logger } from "pino";
import type { Signer, TypedDataDomain } from "ethers";
import { UserError } from "../core/errors/index.js";
import { signWorkerAuthorization, toDeal } from "../core/index.js";
import type { PolisClient } from "../sdk/client.js";
import type { RpcContext, RpcHandler } from "../p2p/rpc.js";
import type {
  AuthorizeResponse,
  HeartbeatResponse,
  HelloResponse,
  PoolRequest,
  ProgressResponse,
  ResultResponse,
  WorkResponse,
  WorkerInventory,
} from "../pool/protocol.js";
import type { Assigner } from "./assigner.js";
import type { ResultDryRun } from "./dryRun.js";
import { toFastResult } from "./fastResult.js";
import type { SchedulerMetrics } from "./metrics.js";
import type { SchedulerStore } from "./store.js";

export interface HandlerDeps {
  store: SchedulerStore;
  assigner: Assigner;
  client: PolisClient;
  scheduler: Signer;
  taskDomain: TypedDataDomain;
  /** Checks a fast-path result against the chain before it is queued. */
  dryRun: ResultDryRun;
  hello: HelloResponse;
  chainNow: () => Promise<bigint>;
  logger: Logger;
  metrics: SchedulerMetrics;
  /** Called when a fast-path result was queued (lets the batcher flush early). */
  onResultQueued: () => void;
  /** Called when tasks went back to the queue (lets the scheduler announce work at once). */
  onRequeued?: () => void;
}

const HEX32 = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

function need(ok: boolean, message: string): void {
  if (!ok) throw new UserError(message);
}

/** The scheduler side of the pool protocol (one handler, dispatching on `type`). */
export function createPoolHandler(deps: HandlerDeps): RpcHandler {
  const { store, logger } = deps;
  return async (raw: unknown, ctx: RpcContext) => {
    need(
      typeof raw === "object" &&
        raw !== null &&
        typeof (raw as { type?: unknown }).type === "string",
      "Malformed request.",
    );
    const request = raw as PoolRequest;
    const now = Date.now();
    switch (request.type) {
      case "hello": {
        need(isInventory(request.inventory), "Malformed worker inventory.");
        store.upsertWorker(ctx.address, request.inventory, 0, now);
        logger.info({ worker: ctx.address, inventory: request.inventory }, "worker joined");
        return deps.hello;
      }
      case "heartbeat": {
        need(
          Array.isArray(request.tasks) && Number.isSafeInteger(request.running),
          "Malformed heartbeat.",
        );
        need(request.tasks.length <= 10_000, "Too many tasks in a heartbeat.");
        store.upsertWorker(ctx.address, null, request.running, now);
        const reported = new Set(request.tasks.map((t) => String(t.taskId).toLowerCase()));
        const cancel: string[] = [];
        const done: string[] = [];
        for (const t of request.tasks) {
          const taskId = String(t.taskId);
          const a = store.assignment(taskId, ctx.address);
          if (!a || a.state !== "active") cancel.push(taskId);
          const state = store.task(taskId)?.state;
          if (state === "completed" || state === "failed") done.push(taskId);
        }
        // Work the worker no longer reports (it restarted and lost it) goes back to the queue.
        for (const a of store.activeAssignmentsOfWorker(ctx.address)) {
          if (
            !reported.has(a.taskId.toLowerCase()) &&
            now - a.assignedAt > 2 * deps.hello.heartbeatMs &&
            a.phase !== "submitted"
          ) {
            store.setAssignment(a.taskId, ctx.address, { state: "lost" }, now);
            store.requeueIfIdle(a.taskId, now);
          }
        }
        return { cancel, done } satisfies HeartbeatResponse;
      }
      case "work": {
        need(
          Number.isSafeInteger(request.slots) && request.slots > 0 && request.slots <= 64,
          "slots must be 1..64.",
        );
        const worker = store.worker(ctx.address);
        const assignments = await deps.assigner.assign(
          ctx.address,
          worker?.inventory ?? null,
          request.slots,
          await deps.chainNow(),
          now,
        );
        if (assignments.length > 0)
          logger.info(
            { worker: ctx.address, tasks: assignments.map((a) => a.taskId) },
            "work assigned",
          );
        return { assignments } satisfies WorkResponse;
      }
      case "authorize": {
        need(
          HEX32.test(request.taskId) && ADDRESS.test(request.enclave),
          "Malformed authorize request.",
        );
        const a = store.assignment(request.taskId, ctx.address);
        need(a?.state === "active", "This task is not assigned to you.");
        need(
          store.deal(store.task(request.taskId)!.dealId)!.tee,
          "Only TEE tasks get enclave authorizations.",
        );
        // Asking for an authorization is the enclave starting: a TEE worker sends no "started".
        store.setAssignment(
          request.taskId,
          ctx.address,
          { enclave: request.enclave, phase: a!.phase === "assigned" ? "started" : undefined },
          now,
        );
        const authorization = await signWorkerAuthorization(deps.scheduler, deps.taskDomain, {
          worker: ctx.address,
          taskId: request.taskId,
          enclave: request.enclave,
        });
        return { authorization } satisfies AuthorizeResponse;
      }
      case "result": {
        need(
          HEX32.test(request.taskId) &&
            typeof request.result === "object" &&
            request.result !== null,
          "Malformed result.",
        );
        const a = store.assignment(request.taskId, ctx.address);
        need(a?.state === "active", "This task is not assigned to you.");
        need(
          String(request.result.worker).toLowerCase() === ctx.address.toLowerCase(),
          "A result must name its own worker.",
        );
        const task = store.task(request.taskId)!;
        const dealRow = store.deal(task.dealId)!;
        need(dealRow.trust <= 1, "Replicated tasks are contributed on-chain by the worker.");
        need(
          BigInt(request.result.index) === BigInt(task.index),
          "The result is for another task index.",
        );
        const fast = toFastResult(request.result);
        // Dry-run what the batch will do, so a bad result never reaches (and reverts) a batch.
        // A node that does not answer judges nothing: the batch's own estimate still does.
        try {
          await deps.dryRun(task.dealId, toDeal(dealRow.deal), fast);
        } catch (err) {
          if (!(err instanceof UserError)) {
            logger.warn({ taskId: request.taskId, err: (err as Error).message }, "dry run failed");
          } else {
            deps.metrics.failures.inc({ cause: "result-invalid" });
            store.failAssignment(request.taskId, ctx.address, now);
            throw err;
          }
        }
        store.queueResult(request.taskId, task.dealId, ctx.address, request.result, now);
        store.setAssignment(request.taskId, ctx.address, { phase: "submitted" }, now);
        deps.onResultQueued();
        return { accepted: true } satisfies ResultResponse;
      }
      case "progress": {
        need(
          HEX32.test(request.taskId) && typeof request.phase === "string",
          "Malformed progress.",
        );
        const a = store.assignment(request.taskId, ctx.address);
        need(a !== undefined, "This task is not assigned to you.");
        // A closed assignment (lost, released, done) keeps its final state and phase.
        if (a!.state !== "active") return { ok: true } satisfies ProgressResponse;
        if (request.phase === "failed") {
          deps.metrics.failures.inc({ cause: "execution" });
          logger.warn(
            {
              worker: ctx.address,
              taskId: request.taskId,
              error: typeof request.error === "string" ? request.error.slice(0, 500) : undefined,
            },
            "worker reported a failure",
          );
          store.failAssignment(request.taskId, ctx.address, now);
          deps.onRequeued?.();
          return { ok: true } satisfies ProgressResponse;
        }
        store.setAssignment(
          request.taskId,
          ctx.address,
          {
            phase: request.phase,
            resultUrl: typeof request.resultUrl === "string" ? request.resultUrl : undefined,
            callbackData:
              typeof request.callbackData === "string" ? request.callbackData : undefined,
          },
          now,
        );
        return { ok: true } satisfies ProgressResponse;
      }
      case "release": {
        need(
          Array.isArray(request.taskIds) && request.taskIds.length <= 1_000,
          "Malformed release.",
        );
        for (const taskId of request.taskIds) {
          const a = store.assignment(String(taskId), ctx.address);
          if (a?.state !== "active" || a.phase === "submitted") continue;
          store.setAssignment(String(taskId), ctx.address, { state: "released" }, now);
          store.requeueIfIdle(String(taskId), now);
        }
        if (request.taskIds.length > 0) deps.onRequeued?.();
        return { ok: true };
      }
      default:
        throw new UserError(
          `Unknown request type "${String((request as { type: unknown }).type)}".`,
        );
    }
  };
}

function isInventory(v: unknown): v is WorkerInventory {
  const i = v as WorkerInventory;
  return (
    typeof i === "object" &&
    i !== null &&
    ["cloud", "fog", "edge"].includes(i.resourceClass) &&
    Number.isSafeInteger(i.cpus) &&
    Number.isSafeInteger(i.memoryMb) &&
    typeof i.tee === "boolean" &&
    typeof i.location === "string" &&
    i.location.length <= 128 &&
    Number.isSafeInteger(i.capacity) &&
    i.capacity > 0 &&
    i.capacity <= 64
  );
}
