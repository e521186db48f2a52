import { DatabaseSync, type StatementSync } from "node:sqlite";
import { statementCache } from "../core/statementCache.js";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Assignment } from "../pool/protocol.js";
import type { ExecutionOutcome } from "./executor.js";

/** Where a task stands on this worker. Each phase is persisted before the action that follows it. */
export type LocalPhase =
  | "assigned"
  | "computed"
  | "uploaded"
  | "contributed"
  | "submitted"
  | "revealed"
  | "done"
  | "abandoned";

export interface LocalTask {
  taskId: string;
  assignment: Assignment;
  phase: LocalPhase;
  outcome: ExecutionOutcome | null;
  resultUrl: string | null;
  authorization: string | null;
  attempts: number;
}

/**
 * The worker's crash-safe task journal (SQLite, WAL). Commits are synchronous=NORMAL (a killed
 * process loses nothing; an OS crash may roll back the last ones, and the task is recovered from
 * the chain or recomputed), except `durable` updates, which reach the disk before returning: the
 * computed outcome (result and salt) of a replicated task, which its on-chain contribution commits to.
 */
export class WorkerStore {
  readonly #db: DatabaseSync;
  readonly #sql: (sql: string) => StatementSync;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.#db = new DatabaseSync(path);
    this.#sql = statementCache(this.#db);
    this.#db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      CREATE TABLE IF NOT EXISTS tasks (
        task_id TEXT PRIMARY KEY, assignment TEXT NOT NULL, phase TEXT NOT NULL, outcome TEXT,
        result_url TEXT, authorization TEXT, attempts INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL);
    `);
  }

  add(assignment: Assignment): void {
    this.#sql(
      `INSERT INTO tasks (task_id, assignment, phase, authorization, updated_at) VALUES (?, ?, 'assigned', ?, ?)
         ON CONFLICT(task_id) DO UPDATE SET assignment = excluded.assignment, phase = 'assigned', outcome = NULL,
           result_url = NULL, authorization = excluded.authorization, updated_at = excluded.updated_at`,
    ).run(
      assignment.taskId,
      JSON.stringify(assignment),
      assignment.authorization ?? null,
      Date.now(),
    );
  }

  update(
    taskId: string,
    fields: {
      phase?: LocalPhase;
      outcome?: ExecutionOutcome;
      resultUrl?: string;
      authorization?: string;
      attempt?: boolean;
    },
    opts: { durable?: boolean } = {},
  ): void {
    // A FULL commit syncs the WAL, with every NORMAL commit before it.
    if (opts.durable) this.#db.exec("PRAGMA synchronous = FULL");
    try {
      this.#update(taskId, fields);
    } finally {
      if (opts.durable) this.#db.exec("PRAGMA synchronous = NORMAL");
    }
  }

  #update(taskId: string, fields: Parameters<WorkerStore["update"]>[1]): void {
    this.#sql(
      `UPDATE tasks SET phase = COALESCE(?, phase), outcome = COALESCE(?, outcome), result_url = COALESCE(?, result_url),
           authorization = COALESCE(?, authorization), attempts = attempts + ?, updated_at = ? WHERE task_id = ?`,
    ).run(
      fields.phase ?? null,
      fields.outcome ? JSON.stringify(fields.outcome) : null,
      fields.resultUrl ?? null,
      fields.authorization ?? null,
      fields.attempt ? 1 : 0,
      Date.now(),
      taskId,
    );
  }

  get(taskId: string): LocalTask | undefined {
    const r = this.#sql("SELECT * FROM tasks WHERE task_id = ?").get(taskId) as
      Record<string, unknown> | undefined;
    return r ? toLocal(r) : undefined;
  }

  /** Tasks not finished here yet (to resume after a restart). */
  unfinished(): LocalTask[] {
    return (
      this.#sql("SELECT * FROM tasks WHERE phase NOT IN ('done', 'abandoned')").all() as Record<
        string,
        unknown
      >[]
    ).map(toLocal);
  }

  /** How many journaled tasks are in each phase. */
  countByPhase(): Partial<Record<LocalPhase, number>> {
    const out: Partial<Record<LocalPhase, number>> = {};
    for (const r of this.#sql(
      "SELECT phase, COUNT(*) AS n FROM tasks GROUP BY phase",
    ).all() as Array<{ phase: LocalPhase; n: number }>) {
      out[r.phase] = Number(r.n);
    }
    return out;
  }

  close(): void {
    this.#db.close();
  }
}

function toLocal(r: Record<string, unknown>): LocalTask {
  return {
    taskId: String(r.task_id),
    assignment: JSON.parse(String(r.assignment)),
    phase: r.phase as LocalPhase,
    outcome: r.outcome === null ? null : JSON.parse(String(r.outcome)),
    resultUrl: r.result_url === null ? null : String(r.result_url),
    authorization: r.authorization === null ? null : String(r.authorization),
    attempts: Number(r.attempts),
  };
}
