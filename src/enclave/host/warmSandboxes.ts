import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import type { WarmSandbox } from "../sandbox/warmSandbox.js";

/** A warm sandbox lent to one task. */
export interface WarmLease {
  readonly key: string;
  readonly sandbox: WarmSandbox;
  readonly slotDir: string;
}

interface Idle extends WarmLease {
  timer: NodeJS.Timeout;
}

/**
 * The host's warm sandboxes, kept per key (chain, task manager, deal, measurement): a sandbox
 * only ever runs tasks of the deal it was started for. Idle ones are retired after `idleMs` and
 * beyond `maxIdle` (oldest first); one that failed a task, or whose folders could not be
 * emptied, is never lent again.
 */
export class WarmSandboxes {
  readonly #idle: Idle[] = [];
  readonly #busy = new Set<WarmLease>();
  readonly #workDir: string;
  readonly #idleMs: number;
  readonly #maxIdle: number;

  constructor(o: { workDir: string; idleMs?: number; maxIdle?: number }) {
    this.#workDir = o.workDir;
    this.#idleMs = o.idleMs ?? 30_000;
    this.#maxIdle = o.maxIdle ?? 8;
  }

  /** An idle sandbox of `key`, or a new one from `start(slotDir)` (a fresh 0700 folder). */
  async acquire(key: string, start: (slotDir: string) => Promise<WarmSandbox>): Promise<WarmLease> {
    for (let i = this.#idle.length - 1; i >= 0; i--) {
      const idle = this.#idle[i];
      if (idle.key !== key) continue;
      this.#idle.splice(i, 1);
      clearTimeout(idle.timer);
      if (!idle.sandbox.usable) {
        void this.#retire(idle);
        continue;
      }
      const lease = { key, sandbox: idle.sandbox, slotDir: idle.slotDir };
      this.#busy.add(lease);
      return lease;
    }
    await mkdir(this.#workDir, { recursive: true, mode: 0o700 });
    const slotDir = await mkdtemp(join(this.#workDir, "warm-"));
    try {
      const lease = { key, sandbox: await start(slotDir), slotDir };
      this.#busy.add(lease);
      return lease;
    } catch (e) {
      await rm(slotDir, { recursive: true, force: true });
      throw e;
    }
  }

  /** Takes a lease back: its folders are emptied, then it idles (if `reusable`) or is retired. */
  async release(lease: WarmLease, reusable: boolean): Promise<void> {
    this.#busy.delete(lease);
    const emptied = await lease.sandbox.wipe().then(
      () => true,
      () => false,
    );
    if (!reusable || !emptied || !lease.sandbox.usable) return this.#retire(lease);
    const idle: Idle = {
      ...lease,
      timer: setTimeout(() => {
        const at = this.#idle.indexOf(idle);
        if (at >= 0) void this.#retire(this.#idle.splice(at, 1)[0]);
      }, this.#idleMs).unref(),
    };
    this.#idle.push(idle);
    while (this.#idle.length > this.#maxIdle) {
      const oldest = this.#idle.shift()!;
      clearTimeout(oldest.timer);
      await this.#retire(oldest);
    }
  }

  /** Idle sandboxes now. */
  get idleCount(): number {
    return this.#idle.length;
  }

  /** Retires every sandbox, idle or lent (at shutdown). */
  async closeAll(): Promise<void> {
    const all: WarmLease[] = [...this.#idle.splice(0), ...this.#busy];
    this.#busy.clear();
    for (const w of all) if ("timer" in w) clearTimeout((w as Idle).timer);
    await Promise.all(all.map((w) => this.#retire(w)));
  }

  async #retire(w: WarmLease): Promise<void> {
    w.sandbox.close();
    await w.sandbox.closed();
    await rm(w.slotDir, { recursive: true, force: true });
  }
}
