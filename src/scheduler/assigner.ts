import { ZeroAddress } from "ethers";
import type { Signer, TypedDataDomain } from "ethers";
import { contributionDeadline, signWorkerAuthorization, toDeal } from "../core/index.js";
import type { Assignment, WorkerInventory } from "../pool/protocol.js";
import { replicasNeeded } from "./replication.js";
import { TASK_STATUS } from "./chainSync.js";
import type { CandidateRow, SchedulerStore } from "./store.js";

/** Open tasks read per query while looking for a worker's next tasks, and at most in all. */
const CANDIDATE_PAGE = 64;
const MAX_CANDIDATES = 512;

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
    // A page of open tasks at a time, in deal order: a worker asking for one task of a big deal
    // reads the tasks ahead of the first one it can take, not every open task of the pool.
    // Choosing and claiming is synchronous: two workers' requests cannot claim one task between
    // a read and a write (signing comes after, once the claims are recorded).
    for (let offset = 0; out.length < free && offset < MAX_CANDIDATES; offset += CANDIDATE_PAGE) {
      const page = this.store.candidateTasks(worker, CANDIDATE_PAGE, offset);
      for (const task of page) {
        if (out.length >= free) break;
        const assignment = this.#claim(task, worker, inventory, chainNow, now);
        if (assignment) out.push(assignment);
      }
      if (page.length < CANDIDATE_PAGE) break;
    }
    try {
      for (const a of out)
        if (a.mode === "standard")
          a.authorization = await signWorkerAuthorization(this.scheduler, this.taskDomain, {
            worker,
            taskId: a.taskId,
            enclave: ZeroAddress,
          });
    } catch (err) {
      // Nothing reaches the worker: hand the claims back.
      for (const a of out) {
        this.store.setAssignment(a.taskId, worker, { state: "released" }, now);
        this.store.requeueIfIdle(a.taskId, now);
      }
      throw err;
    }
    return out;
  }

  /** Claims `task` for `worker` (recorded at once) when the worker may take it. */
  #claim(
    task: CandidateRow,
    worker: string,
    inventory: WorkerInventory | null,
    chainNow: bigint,
    now: number,
  ): Assignment | undefined {
    if (task.tee && !inventory?.tee) return undefined;
    if (task.chainStatus >= TASK_STATUS.Revealing) return undefined;
    if (task.active >= targetReplicas(task)) return undefined;
    // Replicas must come from distinct workers; a trust-1 task may go back to the same worker.
    if (task.trust > 1 && task.assignedToWorker > 0) return undefined;
    if (task.trust <= 1 && this.store.assignment(task.taskId, worker)?.state === "active")
      return undefined;
    if (task.failedByWorkerAt !== null && this.someoneElseCanTry(task, worker, now))
      return undefined;
    const deal = toDeal(task.deal);
    if (contributionDeadline(deal) <= chainNow + BigInt(this.init.deadlineMarginSeconds))
      return undefined;
    this.store.assign(task.taskId, worker, now);
    return {
      taskId: task.taskId,
      dealId: task.dealId,
      index: String(task.index),
      deal: task.deal,
      params: task.params,
      mode: task.tee ? "tee" : "standard",
      replicated: task.trust > 1,
    };
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
