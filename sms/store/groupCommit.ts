import type { DatabaseSync } from "node:sqlite";

/**
 * Group commit: writes of all requests handled in one event-loop turn share one transaction and
 * therefore one fsync (synchronous=FULL). Each unit runs at once under its own SAVEPOINT, so a
 * unit that throws is rolled back alone; its promise rejects. The others resolve only after the
 * shared COMMIT is on disk, and reject if it fails: nothing is acknowledged before it is durable.
 */
export interface GroupCommitter {
  run<T>(unit: () => T): Promise<T>;
  /**
   * Runs `unit` now (its value is returned at once) and resolves `durable` once the group COMMIT
   * is on disk. Lets a caller prepare an answer while the fsync runs; it must not send anything
   * derived from `value` before `durable` resolves. Throws if `unit` throws (rolled back alone).
   */
  stage<T>(unit: () => T): { value: T; durable: Promise<void> };
  /** Whether a group transaction is open (not yet committed). */
  readonly pending: boolean;
}

interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
}

export function createGroupCommitter(db: DatabaseSync): GroupCommitter {
  let open = false;
  let waiters: Waiter[] = [];
  let counter = 0;

  const flush = () => {
    const group = waiters;
    waiters = [];
    open = false;
    try {
      db.exec("COMMIT");
    } catch (e) {
      try {
        db.exec("ROLLBACK");
      } catch {
        // already rolled back
      }
      for (const w of group) w.reject(e);
      return;
    }
    for (const w of group) w.resolve();
  };

  const stage = <T>(unit: () => T): { value: T; durable: Promise<void> } => {
    if (!open) {
      db.exec("BEGIN IMMEDIATE");
      open = true;
      setImmediate(flush);
    }
    const savepoint = `u${counter++ % 1_000_000}`;
    db.exec(`SAVEPOINT ${savepoint}`);
    let value: T;
    try {
      value = unit();
      db.exec(`RELEASE ${savepoint}`);
    } catch (e) {
      try {
        db.exec(`ROLLBACK TO ${savepoint}`);
        db.exec(`RELEASE ${savepoint}`);
      } catch {
        // the whole transaction is gone; flush will report it to the others
      }
      throw e;
    }
    const durable = new Promise<void>((resolve, reject) =>
      waiters.push({ resolve: () => resolve(), reject }),
    );
    return { value, durable };
  };

  return {
    get pending() {
      return open;
    },
    stage,
    run<T>(unit: () => T): Promise<T> {
      try {
        const { value, durable } = stage(unit);
        return durable.then(() => value);
      } catch (e) {
        return Promise.reject(e);
      }
    },
  };
}
