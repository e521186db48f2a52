import { DatabaseSync, type StatementSync } from "node:sqlite";
import { statementCache } from "../core/statementCache.js";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { WorkerInventory, WorkerPhase } from "../pool/protocol.js";

/**
 * Where a task stands for the scheduler. "stalled": it failed on too many workers (e.g. the app
 * itself fails), so the pool stopped handing it out; it stays refundable after its deadline.
 */
export type TaskState = "pending" | "running" | "completed" | "failed" | "stalled";

/** Failed attempts (reported failures, rejected results) after which a task is stalled. */
export const MAX_FAILED_ATTEMPTS = 3;
export type AssignmentState = "active" | "done" | "lost" | "released" | "failed";

export interface DealRow {
  dealId: string;
  deal: Record<string, string>;
  params: string;
  tee: boolean;
  trust: number;
  block: number;
}

export interface TaskRow {
  taskId: string;
  dealId: string;
  index: number;
  state: TaskState;
  chainStatus: number;
  resultUrl: string | null;
  callbackData: string | null;
  contributors: number;
  /** Failed attempts so far (see MAX_FAILED_ATTEMPTS). */
  failures: number;
}

/** An open task with what the assigner needs to decide. */
export interface CandidateRow extends TaskRow {
  trust: number;
  tee: boolean;
  deal: Record<string, string>;
  params: string;
  active: number;
  assignedToWorker: number;
  /** When this worker last failed this task (ms), if it ever did. */
  failedByWorkerAt: number | null;
}

export interface AssignmentRow {
  taskId: string;
  worker: string;
  state: AssignmentState;
  phase: WorkerPhase | "assigned";
  enclave: string | null;
  resultUrl: string | null;
  callbackData: string | null;
  assignedAt: number;
  updatedAt: number;
}

export interface WorkerRow {
  address: string;
  inventory: WorkerInventory | null;
  lastSeen: number;
  running: number;
}

/**
 * The scheduler's durable state in SQLite: chain checkpoint, deals, tasks, assignments, workers
 * and queued fast-path results. Every decision the scheduler makes is written here first, so a
 * restart resumes exactly where it stopped. WAL with synchronous=NORMAL: a killed process loses
 * nothing (commits are in the OS's hands); an OS crash may roll back the last commits, which the
 * chain re-scan (from an older checkpoint) and the reassignment of silent tasks recover. FULL
 * cost an fsync per worker progress report, a quarter of the scheduler's CPU per task.
 */
export class SchedulerStore {
  readonly db: DatabaseSync;
  readonly #sql: (sql: string) => StatementSync;

  constructor(path: string) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    this.#sql = statementCache(this.db);
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS deals (
        deal_id TEXT PRIMARY KEY, deal TEXT NOT NULL, params TEXT NOT NULL,
        tee INTEGER NOT NULL, trust INTEGER NOT NULL, block INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS tasks (
        task_id TEXT PRIMARY KEY, deal_id TEXT NOT NULL, idx INTEGER NOT NULL,
        state TEXT NOT NULL, chain_status INTEGER NOT NULL DEFAULT 0,
        result_url TEXT, callback_data TEXT, contributors INTEGER NOT NULL DEFAULT 0,
        failures INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS tasks_state ON tasks(state, deal_id, idx);
      CREATE TABLE IF NOT EXISTS assignments (
        task_id TEXT NOT NULL, worker TEXT NOT NULL, state TEXT NOT NULL, phase TEXT NOT NULL,
        enclave TEXT, result_url TEXT, callback_data TEXT,
        assigned_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
        PRIMARY KEY (task_id, worker));
      CREATE INDEX IF NOT EXISTS assignments_worker ON assignments(worker, state);
      CREATE TABLE IF NOT EXISTS workers (
        address TEXT PRIMARY KEY, inventory TEXT, last_seen INTEGER NOT NULL, running INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE IF NOT EXISTS results (
        task_id TEXT PRIMARY KEY, deal_id TEXT NOT NULL, worker TEXT NOT NULL, result TEXT NOT NULL,
        state TEXT NOT NULL, tx_hash TEXT, queued_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS results_state ON results(state, deal_id);
    `);
    const columns = this.db.prepare("PRAGMA table_info(tasks)").all() as Array<{ name: string }>;
    if (!columns.some((c) => c.name === "failures"))
      this.db.exec("ALTER TABLE tasks ADD COLUMN failures INTEGER NOT NULL DEFAULT 0");
  }

  getMeta(key: string): string | undefined {
    const row = this.#sql("SELECT value FROM meta WHERE key = ?").get(key) as
      { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.#sql(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    ).run(key, value);
  }

  /** Records a deal and its tasks once (idempotent: replays after a restart change nothing). */
  addDeal(row: DealRow, taskIds: Array<{ taskId: string; index: number }>, now: number): boolean {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const r = this.#sql(
        "INSERT OR IGNORE INTO deals (deal_id, deal, params, tee, trust, block) VALUES (?, ?, ?, ?, ?, ?)",
      ).run(
        row.dealId,
        JSON.stringify(row.deal),
        row.params,
        row.tee ? 1 : 0,
        row.trust,
        row.block,
      );
      const insert = this.#sql(
        "INSERT OR IGNORE INTO tasks (task_id, deal_id, idx, state, updated_at) VALUES (?, ?, ?, 'pending', ?)",
      );
      for (const t of taskIds) insert.run(t.taskId, row.dealId, t.index, now);
      this.db.exec("COMMIT");
      return Number(r.changes) === 1;
    } catch (err) {
      this.db.exec("ROLLBACK");
      throw err;
    }
  }

  deal(dealId: string): DealRow | undefined {
    const r = this.#sql("SELECT * FROM deals WHERE deal_id = ?").get(dealId) as
      Record<string, unknown> | undefined;
    return r ? toDeal(r) : undefined;
  }

  deals(limit = 100): DealRow[] {
    return (
      this.#sql("SELECT * FROM deals ORDER BY block DESC LIMIT ?").all(limit) as Record<
        string,
        unknown
      >[]
    ).map(toDeal);
  }

  task(taskId: string): TaskRow | undefined {
    const r = this.#sql("SELECT * FROM tasks WHERE task_id = ?").get(taskId) as
      Record<string, unknown> | undefined;
    return r ? toTask(r) : undefined;
  }

  tasksByState(state: TaskState, limit = 1000): TaskRow[] {
    return (
      this.#sql("SELECT * FROM tasks WHERE state = ? ORDER BY deal_id, idx LIMIT ?").all(
        state,
        limit,
      ) as Record<string, unknown>[]
    ).map(toTask);
  }

  tasksOfDeal(dealId: string): TaskRow[] {
    return (
      this.#sql("SELECT * FROM tasks WHERE deal_id = ? ORDER BY idx").all(dealId) as Record<
        string,
        unknown
      >[]
    ).map(toTask);
  }

  /** Tasks that are not finished on-chain yet (pending, running or stalled). */
  openTasks(limit = 5000): TaskRow[] {
    return (
      this.#sql(
        "SELECT * FROM tasks WHERE state IN ('pending', 'running', 'stalled') ORDER BY deal_id, idx LIMIT ?",
      ).all(limit) as Record<string, unknown>[]
    ).map(toTask);
  }

  setTaskState(taskId: string, state: TaskState, now: number): void {
    this.#sql("UPDATE tasks SET state = ?, updated_at = ? WHERE task_id = ?").run(
      state,
      now,
      taskId,
    );
  }

  setChainStatus(taskId: string, status: number, contributors: number, now: number): void {
    this.#sql(
      "UPDATE tasks SET chain_status = ?, contributors = ?, updated_at = ? WHERE task_id = ?",
    ).run(status, contributors, now, taskId);
  }

  /** Open tasks in deal order, with their active assignment count and whether `worker` had one. */
  /** Open tasks in deal order with what the assigner needs, a page at a time. */
  candidateTasks(worker: string, limit = 64, offset = 0): CandidateRow[] {
    const rows = this.#sql(
      `SELECT t.*, d.trust, d.tee, d.deal, d.params,
           (SELECT COUNT(*) FROM assignments a WHERE a.task_id = t.task_id AND a.state = 'active') AS active,
           (SELECT COUNT(*) FROM assignments a WHERE a.task_id = t.task_id AND a.worker = ?) AS mine,
           (SELECT MAX(a.updated_at) FROM assignments a
              WHERE a.task_id = t.task_id AND a.worker = ? AND a.state = 'failed') AS failed_at
         FROM tasks t JOIN deals d ON d.deal_id = t.deal_id
         WHERE t.state IN ('pending', 'running')
         ORDER BY d.block, t.deal_id, t.idx LIMIT ? OFFSET ?`,
    ).all(worker, worker, limit, offset) as Record<string, unknown>[];
    const deals = new Map<string, Record<string, string>>(); // one JSON.parse per deal
    return rows.map((r) => {
      const dealJson = String(r.deal);
      let deal = deals.get(dealJson);
      if (!deal) deals.set(dealJson, (deal = JSON.parse(dealJson) as Record<string, string>));
      return {
        ...toTask(r),
        trust: Number(r.trust),
        tee: Number(r.tee) === 1,
        deal,
        params: String(r.params),
        active: Number(r.active),
        assignedToWorker: Number(r.mine),
        failedByWorkerAt: r.failed_at === null ? null : Number(r.failed_at),
      };
    });
  }

  setTaskResult(taskId: string, resultUrl: string | null, callbackData: string | null): void {
    this.#sql(
      "UPDATE tasks SET result_url = COALESCE(?, result_url), callback_data = COALESCE(?, callback_data) WHERE task_id = ?",
    ).run(resultUrl, callbackData, taskId);
  }

  countTasks(): Record<TaskState, number> {
    const out: Record<TaskState, number> = {
      pending: 0,
      running: 0,
      completed: 0,
      failed: 0,
      stalled: 0,
    };
    for (const r of this.#sql(
      "SELECT state, COUNT(*) AS n FROM tasks GROUP BY state",
    ).all() as Array<{ state: TaskState; n: number }>) {
      out[r.state] = Number(r.n);
    }
    return out;
  }

  assign(taskId: string, worker: string, now: number): void {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      this.#sql(
        `INSERT INTO assignments (task_id, worker, state, phase, assigned_at, updated_at) VALUES (?, ?, 'active', 'assigned', ?, ?)
           ON CONFLICT(task_id, worker) DO UPDATE SET state = 'active', phase = 'assigned', enclave = NULL, assigned_at = excluded.assigned_at, updated_at = excluded.updated_at`,
      ).run(taskId, worker, now, now);
      this.#sql("UPDATE tasks SET state = 'running', updated_at = ? WHERE task_id = ?").run(
        now,
        taskId,
      );
      this.db.exec("COMMIT");
    } catch (err) {
      this.db.exec("ROLLBACK");
      throw err;
    }
  }

  assignment(taskId: string, worker: string): AssignmentRow | undefined {
    const r = this.#sql("SELECT * FROM assignments WHERE task_id = ? AND worker = ?").get(
      taskId,
      worker,
    ) as Record<string, unknown> | undefined;
    return r ? toAssignment(r) : undefined;
  }

  assignmentsOf(taskId: string): AssignmentRow[] {
    return (
      this.#sql("SELECT * FROM assignments WHERE task_id = ?").all(taskId) as Record<
        string,
        unknown
      >[]
    ).map(toAssignment);
  }

  activeAssignmentsOfWorker(worker: string): AssignmentRow[] {
    return (
      this.#sql("SELECT * FROM assignments WHERE worker = ? AND state = 'active'").all(
        worker,
      ) as Record<string, unknown>[]
    ).map(toAssignment);
  }

  activeAssignments(): AssignmentRow[] {
    return (
      this.#sql("SELECT * FROM assignments WHERE state = 'active'").all() as Record<
        string,
        unknown
      >[]
    ).map(toAssignment);
  }

  setAssignment(
    taskId: string,
    worker: string,
    fields: {
      state?: AssignmentState;
      phase?: WorkerPhase;
      enclave?: string;
      resultUrl?: string;
      callbackData?: string;
    },
    now: number,
  ): void {
    this.#sql(
      `UPDATE assignments SET state = COALESCE(?, state), phase = COALESCE(?, phase), enclave = COALESCE(?, enclave),
           result_url = COALESCE(?, result_url), callback_data = COALESCE(?, callback_data), updated_at = ?
         WHERE task_id = ? AND worker = ?`,
    ).run(
      fields.state ?? null,
      fields.phase ?? null,
      fields.enclave ?? null,
      fields.resultUrl ?? null,
      fields.callbackData ?? null,
      now,
      taskId,
      worker,
    );
  }

  /**
   * Puts a running task back in the queue when none of its assignments is active any more (its
   * worker was lost, failed or handed it back), or stalls it after MAX_FAILED_ATTEMPTS failures.
   * Tasks that completed or failed meanwhile stay as they are. Returns whether it changed.
   */
  requeueIfIdle(taskId: string, now: number): boolean {
    const r = this.#sql(
      `UPDATE tasks SET updated_at = ?, state = CASE WHEN failures >= ? THEN 'stalled' ELSE 'pending' END
         WHERE task_id = ? AND state = 'running'
           AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.task_id = tasks.task_id AND a.state = 'active')`,
    ).run(now, MAX_FAILED_ATTEMPTS, taskId);
    return Number(r.changes) === 1;
  }

  /**
   * Records a failed attempt: the worker's assignment fails, the task's failure count grows, and
   * the task goes back to the queue (or stalls after MAX_FAILED_ATTEMPTS) if nobody else runs it.
   */
  failAssignment(taskId: string, worker: string, now: number): void {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      this.#sql(
        "UPDATE assignments SET state = 'failed', phase = 'failed', updated_at = ? WHERE task_id = ? AND worker = ?",
      ).run(now, taskId, worker);
      this.#sql("UPDATE tasks SET failures = failures + 1, updated_at = ? WHERE task_id = ?").run(
        now,
        taskId,
      );
      this.requeueIfIdle(taskId, now);
      this.db.exec("COMMIT");
    } catch (err) {
      this.db.exec("ROLLBACK");
      throw err;
    }
  }

  /**
   * Assignments of `worker` that still occupy one of its slots: active and not yet handed in
   * (fast path) or contributed (replicated), i.e. still computing or uploading.
   */
  busyAssignmentsOfWorker(worker: string): number {
    const r = this.#sql(
      `SELECT COUNT(*) AS n FROM assignments WHERE worker = ? AND state = 'active'
           AND phase IN ('assigned', 'started', 'computed', 'uploaded')`,
    ).get(worker) as { n: number };
    return Number(r.n);
  }

  /** Tasks of a deal that may still hand in a result: pending, or running and not handed in. */
  outstandingTasksOfDeal(dealId: string): number {
    const r = this.#sql(
      `SELECT COUNT(*) AS n FROM tasks t WHERE t.deal_id = ? AND (t.state = 'pending' OR (t.state = 'running'
           AND NOT EXISTS (SELECT 1 FROM results r WHERE r.task_id = t.task_id)))`,
    ).get(dealId) as { n: number };
    return Number(r.n);
  }

  /** Closes every active assignment of a task (it completed, failed, or is being retried). */
  closeAssignments(taskId: string, state: AssignmentState, now: number): void {
    this.#sql(
      "UPDATE assignments SET state = ?, updated_at = ? WHERE task_id = ? AND state = 'active'",
    ).run(state, now, taskId);
  }

  upsertWorker(
    address: string,
    inventory: WorkerInventory | null,
    running: number,
    now: number,
  ): void {
    this.#sql(
      `INSERT INTO workers (address, inventory, last_seen, running) VALUES (?, ?, ?, ?)
         ON CONFLICT(address) DO UPDATE SET inventory = COALESCE(excluded.inventory, inventory), last_seen = excluded.last_seen, running = excluded.running`,
    ).run(address, inventory ? JSON.stringify(inventory) : null, now, running);
  }

  worker(address: string): WorkerRow | undefined {
    const r = this.#sql("SELECT * FROM workers WHERE address = ?").get(address) as
      Record<string, unknown> | undefined;
    return r ? toWorker(r) : undefined;
  }

  workers(): WorkerRow[] {
    return (
      this.#sql("SELECT * FROM workers ORDER BY address").all() as Record<string, unknown>[]
    ).map(toWorker);
  }

  queueResult(
    taskId: string,
    dealId: string,
    worker: string,
    result: unknown,
    now: number,
  ): boolean {
    const r = this.#sql(
      "INSERT OR IGNORE INTO results (task_id, deal_id, worker, result, state, queued_at) VALUES (?, ?, ?, ?, 'queued', ?)",
    ).run(taskId, dealId, worker, JSON.stringify(result), now);
    return Number(r.changes) === 1;
  }

  queuedResults(limit = 1000): Array<{
    taskId: string;
    dealId: string;
    worker: string;
    result: Record<string, string>;
    queuedAt: number;
  }> {
    return (
      this.#sql("SELECT * FROM results WHERE state = 'queued' ORDER BY queued_at LIMIT ?").all(
        limit,
      ) as Record<string, unknown>[]
    ).map((r) => ({
      taskId: String(r.task_id),
      dealId: String(r.deal_id),
      worker: String(r.worker),
      result: JSON.parse(String(r.result)),
      queuedAt: Number(r.queued_at),
    }));
  }

  setResultState(
    taskId: string,
    state: "queued" | "pushed" | "rejected",
    txHash: string | null,
  ): void {
    this.#sql("UPDATE results SET state = ?, tx_hash = COALESCE(?, tx_hash) WHERE task_id = ?").run(
      state,
      txHash,
      taskId,
    );
  }

  dropResult(taskId: string): void {
    this.#sql("DELETE FROM results WHERE task_id = ? AND state != 'pushed'").run(taskId);
  }

  close(): void {
    this.db.close();
  }
}

function toDeal(r: Record<string, unknown>): DealRow {
  return {
    dealId: String(r.deal_id),
    deal: JSON.parse(String(r.deal)),
    params: String(r.params),
    tee: Number(r.tee) === 1,
    trust: Number(r.trust),
    block: Number(r.block),
  };
}

function toTask(r: Record<string, unknown>): TaskRow {
  return {
    taskId: String(r.task_id),
    dealId: String(r.deal_id),
    index: Number(r.idx),
    state: r.state as TaskState,
    chainStatus: Number(r.chain_status),
    resultUrl: r.result_url === null ? null : String(r.result_url),
    callbackData: r.callback_data === null ? null : String(r.callback_data),
    contributors: Number(r.contributors ?? 0),
    failures: Number(r.failures ?? 0),
  };
}

function toAssignment(r: Record<string, unknown>): AssignmentRow {
  return {
    taskId: String(r.task_id),
    worker: String(r.worker),
    state: r.state as AssignmentState,
    phase: r.phase as AssignmentRow["phase"],
    enclave: r.enclave === null ? null : String(r.enclave),
    resultUrl: r.result_url === null ? null : String(r.result_url),
    callbackData: r.callback_data === null ? null : String(r.callback_data),
    assignedAt: Number(r.assigned_at),
    updatedAt: Number(r.updated_at),
  };
}

function toWorker(r: Record<string, unknown>): WorkerRow {
  return {
    address: String(r.address),
    inventory: r.inventory === null ? null : JSON.parse(String(r.inventory)),
    lastSeen: Number(r.last_seen),
    running: Number(r.running),
  };
}
