import type { DatabaseSync } from "node:sqlite";

/**
 * Group commit: writes of all requests handled in one event-loop turn share one transaction and
 * therefore one fsync (synchronous=FULL). Each unit runs at once under its own SAVEPOINT, so a
 * unit that throws is rolled back alone; its promise rejects. The others resolve only after the
 * shared COMMIT is on disk, and reject if it fails: nothing is acknowledged before it is durable.
 */
export interface GroupCommitter {
  run<T>(unit: () => T): Promise<T>;
  /** Whether a group transaction is open (not yet committed). */
  readonly pending: boolean;
}

interface Waiter {
  value: unknown;
  resolve: (v: unknown) => void;
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
    for (const w of group) w.resolve(w.value);
  };

  return {
    get pending() {
      return open;
    },
    run<T>(unit: () => T): Promise<T> {
      try {
        if (!open) {
          db.exec("BEGIN IMMEDIATE");
          open = true;
          setImmediate(flush);
        }
      } catch (e) {
        return Promise.reject(e);
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
        return Promise.reject(e);
      }
      return new Promise<T>((resolve, reject) =>
        waiters.push({ value, resolve: resolve as (v: unknown) => void, reject }),
      );
    },
  };
}
