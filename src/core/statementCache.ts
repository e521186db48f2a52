import type { DatabaseSync, StatementSync } from "node:sqlite";

/**
 * A `prepare` that compiles each SQL text once and keeps the statement: preparing costs several
 * times more than running the small statements the services issue per request.
 * @example const sql = statementCache(db); sql("SELECT * FROM tasks WHERE task_id = ?").get(id);
 */
export function statementCache(db: DatabaseSync): (sql: string) => StatementSync {
  const statements = new Map<string, StatementSync>();
  return (sql) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
}
