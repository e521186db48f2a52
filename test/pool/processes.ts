import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { RunningPool } from "../../src/pool/launcher.js";
import type { PoolWorld } from "../../scripts/lib/pool/world.js";

/** Polls `cond` every 100 ms until it holds. */
export async function until(
  cond: () => Promise<boolean> | boolean,
  label: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`);
}

export interface SchedulerTaskView {
  taskId: string;
  state: string;
  chainStatus: number;
  assignments: Array<{ worker: string; state: string; phase: string; resultUrl: string | null }>;
}

/** The scheduler's view of a task (GET /v1/tasks/:taskId), undefined while it does not know it. */
export async function schedulerTask(
  pool: RunningPool,
  taskId: string,
): Promise<SchedulerTaskView | undefined> {
  try {
    const res = await fetch(`${pool.scheduler.apiUrl}/v1/tasks/${taskId}`);
    return res.ok ? ((await res.json()) as SchedulerTaskView) : undefined;
  } catch {
    return undefined; // scheduler restarting
  }
}

/** Waits until some worker reports `phase` for the task; returns that worker's name. */
export async function workerInPhase(
  world: PoolWorld,
  pool: RunningPool,
  taskId: string,
  phases: string[],
  timeoutMs = 30_000,
): Promise<string> {
  let name = "";
  await until(
    async () => {
      const t = await schedulerTask(pool, taskId);
      const a = t?.assignments.find((x) => x.state === "active" && phases.includes(x.phase));
      if (a) name = world.workerName(a.worker);
      return a !== undefined;
    },
    `a worker in phase ${phases.join("/")}`,
    timeoutMs,
  );
  return name;
}

export interface JournalRow {
  taskId: string;
  phase: string;
  attempts: number;
}

/** A worker's task journal (its SQLite file, read-only; safe while the worker runs). */
export function journal(world: PoolWorld, name: string): JournalRow[] {
  const db = new DatabaseSync(join(world.dataDir, name, "worker.sqlite"), { readOnly: true });
  try {
    return (
      db.prepare("SELECT task_id, phase, attempts FROM tasks").all() as Array<{
        task_id: string;
        phase: string;
        attempts: number;
      }>
    ).map((r) => ({ taskId: r.task_id, phase: r.phase, attempts: Number(r.attempts) }));
  } finally {
    db.close();
  }
}

/** How many times each task was executed, summed over the journals of `names`. */
export function executions(world: PoolWorld, names: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const name of names)
    for (const row of journal(world, name))
      out.set(row.taskId, (out.get(row.taskId) ?? 0) + row.attempts);
  return out;
}

/** Rows of the scheduler's SQLite state (read-only). */
export function schedulerRows<T>(world: PoolWorld, sql: string, ...params: string[]): T[] {
  const db = new DatabaseSync(join(world.dataDir, "scheduler", "scheduler.sqlite"), {
    readOnly: true,
  });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/**
 * No funds locked anywhere once every deal is settled: every account's locked balance is 0, and
 * the accounts plus the kitty hold exactly the hub's tokens.
 */
export async function expectNothingLocked(world: PoolWorld): Promise<void> {
  const s = await world.escrow();
  for (const [account, { locked }] of Object.entries(s.accounts))
    expect(locked, `locked funds of ${account}`).to.equal(0n);
  expect(s.conserved, "escrow conserved").to.equal(true);
}

/** The JSON log lines of a pool process so far. */
export function logLines(pool: RunningPool, name: string): Array<Record<string, unknown>> {
  const p = pool.processes.find((x) => x.name === name);
  if (!p) return [];
  return readFileSync(p.logFile, "utf8")
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Whether a process is still running. */
export function alive(pool: RunningPool, name: string): boolean {
  const p = pool.processes.find((x) => x.name === name);
  return p !== undefined && p.child.exitCode === null && p.child.signalCode === null;
}
