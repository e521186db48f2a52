import type { DatabaseSync } from "node:sqlite";

/**
 * Distinct tasks that received a dataset key under each grant. A grant allows `uses` task
 * executions: once that many distinct tasks got the key, further tasks are refused (a retry of a
 * task already counted is not a new use). Lowering a grant's uses on-chain therefore caps
 * releases at once.
 */
export interface GrantUsageStore {
  /** Whether `taskId` is already counted for `grantKey`, and how many tasks are. */
  usage(grantKey: string, taskId: string): { counted: boolean; tasks: number };
  /** Counts `taskId` (idempotent). Call inside the caller's transaction. */
  record(grantKey: string, taskId: string): void;
}

export function createGrantUsageStore(db: DatabaseSync, clock: () => number): GrantUsageStore {
  const has = db.prepare("SELECT 1 AS one FROM grant_usage WHERE grant_key = ? AND task_id = ?");
  const count = db.prepare("SELECT COUNT(*) AS n FROM grant_usage WHERE grant_key = ?");
  const insert = db.prepare(
    "INSERT INTO grant_usage (grant_key, task_id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
  );
  return {
    usage(grantKey, taskId) {
      const k = grantKey.toLowerCase();
      return {
        counted: has.get(k, taskId.toLowerCase()) !== undefined,
        tasks: Number((count.get(k) as { n: number }).n),
      };
    },
    record(grantKey, taskId) {
      insert.run(grantKey.toLowerCase(), taskId.toLowerCase(), clock());
    },
  };
}
