import type { Logger } from "pino";
import type { PolisClient } from "../sdk/client.js";
import { toDeal, taskId as computeTaskId, isTee, type Deal } from "../core/index.js";
import { encodeDeal } from "../pool/protocol.js";
import type { SchedulerStore } from "./store.js";

export interface ChainSyncInit {
  pool: string;
  /** The scheduler key's address: deals naming another scheduler are ignored. */
  scheduler: string;
  /** Blocks to wait before acting on a DealCreated event (reorg safety). */
  confirmations: number;
  /** First block to scan on a fresh database. */
  startBlock: number;
  /** Largest block range per eth_getLogs call. */
  maxRange?: number;
  /**
   * Every open task's status is read at least this often (ms, default 30 s); in between only the
   * tasks named by a task event since the last pass are read.
   */
  sweepMs?: number;
}

/** Task status numbers of the TaskManager (TaskStatus enum). */
export const TASK_STATUS = { Unset: 0, Active: 1, Revealing: 2, Completed: 3, Failed: 4 } as const;

/** The TaskManager events that change a task's status or contributor count (topic 1: task id). */
const TASK_CHANGES = [
  "TaskInitialized",
  "TaskContributed",
  "TaskConsensusReached",
  "TaskRevealed",
  "TaskReopened",
  "TaskCompleted",
  "TaskFailed",
] as const;

const OPEN_STATES = new Set(["pending", "running", "stalled"]);

/**
 * Finds the pool's deals on-chain from a persisted checkpoint (re-scanning with a confirmation
 * depth) and mirrors the on-chain status of open tasks. Each call is one idempotent pass, safe to
 * retry after an RPC error.
 */
export class ChainSync {
  constructor(
    private readonly client: PolisClient,
    private readonly store: SchedulerStore,
    private readonly init: ChainSyncInit,
    private readonly logger: Logger,
  ) {}

  /** The block up to which task events were read, and when every open task was last read. */
  #taskEventsTo: number | undefined;
  #sweptAt = 0;

  /** Scans new blocks for DealCreated events naming the pool. Returns the new deals' ids. */
  async scanDeals(now: number, head?: number): Promise<string[]> {
    head ??= await this.client.provider.getBlockNumber();
    const to = head - this.init.confirmations;
    const saved = this.store.getMeta("checkpoint");
    let from = saved === undefined ? this.init.startBlock : Number(saved) + 1;
    const added: string[] = [];
    const maxRange = this.init.maxRange ?? 2_000;
    const filter = this.client.hub.filters.DealCreated(undefined, undefined, this.init.pool);
    while (from <= to) {
      const end = Math.min(to, from + maxRange - 1);
      const events = await this.client.hub.queryFilter(filter, from, end);
      for (const ev of events) {
        const dealId = ev.args.dealId as string;
        const deal = toDeal(ev.args.deal);
        if (deal.scheduler.toLowerCase() !== this.init.scheduler.toLowerCase()) {
          this.logger.warn(
            { dealId, scheduler: deal.scheduler },
            "deal names another scheduler key; ignored",
          );
          continue;
        }
        if (this.#addDeal(dealId, deal, ev.args.params as string, ev.blockNumber, now))
          added.push(dealId);
      }
      this.store.setMeta("checkpoint", String(end));
      from = end + 1;
    }
    return added;
  }

  #addDeal(dealId: string, deal: Deal, params: string, block: number, now: number): boolean {
    const tasks = [];
    for (let i = deal.botFirst; i < deal.botFirst + deal.botSize; i++) {
      tasks.push({ taskId: computeTaskId(dealId, i), index: Number(i) });
    }
    const added = this.store.addDeal(
      {
        dealId,
        deal: encodeDeal(deal),
        params,
        tee: isTee(deal.tag),
        trust: Number(deal.trust),
        block,
      },
      tasks,
      now,
    );
    if (added)
      this.logger.info(
        { dealId, tasks: tasks.length, tee: isTee(deal.tag), trust: Number(deal.trust) },
        "deal found",
      );
    return added;
  }

  /**
   * Reads the on-chain status of the open tasks that changed since the last pass (a task event
   * names them), and of every open task once per sweep period, after a restart, or when the
   * events span more blocks than one getLogs call; marks completed and failed ones.
   */
  async syncTasks(
    now: number,
    head?: number,
    concurrency = 16,
  ): Promise<{ completed: string[]; failed: string[] }> {
    head ??= await this.client.provider.getBlockNumber();
    const from = this.#taskEventsTo === undefined ? undefined : this.#taskEventsTo + 1;
    const sweep =
      from === undefined ||
      now - this.#sweptAt >= (this.init.sweepMs ?? 30_000) ||
      head - from + 1 > (this.init.maxRange ?? 2_000);
    const open = sweep
      ? this.store.openTasks()
      : from > head
        ? []
        : await this.#changedOpenTasks(from, head);
    const result = await this.#readTasks(open, now, concurrency);
    this.#taskEventsTo = head;
    if (sweep) this.#sweptAt = now;
    return result;
  }

  async #changedOpenTasks(from: number, to: number) {
    const tm = this.client.taskManager;
    const topics = TASK_CHANGES.map((name) => tm.interface.getEvent(name).topicHash);
    const logs = await this.client.provider.getLogs({
      address: tm.target as string,
      fromBlock: from,
      toBlock: to,
      topics: [topics],
    });
    const ids = new Set(logs.map((l) => l.topics[1]?.toLowerCase()));
    return [...ids]
      .map((id) => (id ? this.store.task(id) : undefined))
      .filter((t) => t !== undefined && OPEN_STATES.has(t.state)) as ReturnType<
      SchedulerStore["openTasks"]
    >;
  }

  async #readTasks(
    open: ReturnType<SchedulerStore["openTasks"]>,
    now: number,
    concurrency: number,
  ): Promise<{ completed: string[]; failed: string[] }> {
    const completed: string[] = [];
    const failed: string[] = [];
    for (let i = 0; i < open.length; i += concurrency) {
      const slice = open.slice(i, i + concurrency);
      const views = await Promise.all(slice.map((t) => this.client.taskManager.taskOf(t.taskId)));
      slice.forEach((t, j) => {
        const status = Number(views[j].status);
        const contributors = Number(views[j].contributorCount);
        if (status !== t.chainStatus || contributors !== t.contributors) {
          this.store.setChainStatus(t.taskId, status, contributors, now);
        }
        if (status === TASK_STATUS.Completed) {
          this.store.setTaskState(t.taskId, "completed", now);
          this.store.closeAssignments(t.taskId, "done", now);
          completed.push(t.taskId);
        } else if (status === TASK_STATUS.Failed) {
          this.store.setTaskState(t.taskId, "failed", now);
          this.store.closeAssignments(t.taskId, "failed", now);
          this.store.dropResult(t.taskId);
          failed.push(t.taskId);
        }
      });
    }
    return { completed, failed };
  }
}
