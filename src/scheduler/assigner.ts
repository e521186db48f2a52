import { ZeroAddress } from "ethers";
import type { Signer, TypedDataDomain } from "ethers";
import { contributionDeadline, signWorkerAuthorization, toDeal } from "../core/index.js";
import type { Assignment, WorkerInventory } from "../pool/protocol.js";
import { replicasNeeded } from "./replication.js";
import { TASK_STATUS } from "./chainSync.js";
import type { CandidateRow, SchedulerStore } from "./store.js";

export interface AssignerInit {
  /** Tasks whose contribution deadline is closer than this are not handed out (seconds). */
  deadlineMarginSeconds: number;
  /** A worker seen within this window (ms) counts as live. */
  liveWindowMs: number;
}

/** How many distinct workers a task should have now. */
export function targetReplicas(
  task: Pick<CandidateRow, "trust" | "chainStatus" | "contributors">,
): number {
  const base = replicasNeeded(task.trust);
  if (task.trust <= 1) return 1;
  // Everyone planned has contributed and there is still no consensus: add one more worker.
  if (task.chainStatus === TASK_STATUS.Active && task.contributors >= base)
    return task.contributors + 1;
  return base;
}

/**
 * Picks work for a worker: open tasks it can run (TEE tasks only to TEE workers), still far from
 * their contribution deadline, that need another distinct worker. Standard tasks come with the
 * scheduler's authorization; TEE tasks get theirs once the worker's enclave has a key.
 */
export class Assigner {
  constructor(
    private readonly store: SchedulerStore,
    private readonly scheduler: Signer,
    private readonly taskDomain: TypedDataDomain,
    private readonly init: AssignerInit,
  ) {}

  async assign(
    worker: string,
    inventory: WorkerInventory | null,
    slots: number,
    chainNow: bigint,
    now: number,
  ): Promise<Assignment[]> {
    const capacity = inventory?.capacity ?? 1;
    const free = Math.min(slots, capacity - this.store.busyAssignmentsOfWorker(worker));
    if (free <= 0) return [];
    const out: Assignment[] = [];
    for (const task of this.store.candidateTasks(worker)) {
      if (out.length >= free) break;
      if (task.tee && !inventory?.tee) continue;
      if (task.chainStatus >= TASK_STATUS.Revealing) continue;
      if (task.active >= targetReplicas(task)) continue;
      // Replicas must come from distinct workers; a trust-1 task may go back to the same worker.
      if (task.trust > 1 && task.assignedToWorker > 0) continue;
      if (task.trust <= 1 && this.store.assignment(task.taskId, worker)?.state === "active")
        continue;
      if (task.failedByWorkerAt !== null && this.someoneElseCanTry(task, worker, now)) continue;
      const deal = toDeal(task.deal);
      if (contributionDeadline(deal) <= chainNow + BigInt(this.init.deadlineMarginSeconds))
        continue;
      const assignment: Assignment = {
        taskId: task.taskId,
        dealId: task.dealId,
        index: String(task.index),
        deal: task.deal,
        params: task.params,
        mode: task.tee ? "tee" : "standard",
        replicated: task.trust > 1,
      };
      if (!task.tee) {
        assignment.authorization = await signWorkerAuthorization(this.scheduler, this.taskDomain, {
          worker,
          taskId: task.taskId,
          enclave: ZeroAddress,
        });
      }
      this.store.assign(task.taskId, worker, now);
      out.push(assignment);
    }
    return out;
  }

  /**
   * Whether a live worker other than `worker`, able to run the task, has not failed it yet. A
   * worker that failed a task (reported a failure, or sent a result the chain would refuse) gets
   * it back only when nobody else can try: one faulty or forging worker cannot burn a task's
   * failed attempts on its own, while a pool of one still retries.
   */
  private someoneElseCanTry(task: CandidateRow, worker: string, now: number): boolean {
    const failed = new Set(
      this.store
        .assignmentsOf(task.taskId)
        .filter((a) => a.state === "failed")
        .map((a) => a.worker),
    );
    return this.store
      .workers()
      .some(
        (w) =>
          w.address !== worker &&
          now - w.lastSeen <= this.init.liveWindowMs &&
          (!task.tee || w.inventory?.tee === true) &&
          !failed.has(w.address),
      );
  }
}
