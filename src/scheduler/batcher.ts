import type { Interface } from "ethers";
import type { Logger } from "pino";
import { toDeal } from "../core/index.js";
import type { PolisClient } from "../sdk/client.js";
import { TASK_STATUS } from "./chainSync.js";
import type { SchedulerMetrics } from "./metrics.js";
import { toFastResult } from "./fastResult.js";
import { PushCalldata } from "./pushCalldata.js";
import type { SchedulerStore } from "./store.js";
import type { TxQueue } from "../pool/txQueue.js";

export interface BatcherInit {
  /** Most results per pushResults transaction (default 50). */
  maxBatch: number;
  /** A deal's results wait at most this long for more to join the batch (ms). */
  flushMs: number;
}

/**
 * Pushes fast-path results on-chain, one `pushResults` transaction per deal and flush. A batch that
 * reverts is retried result by result, so one bad result cannot block the others; a rejected
 * result sends its task back to the queue for another worker.
 */
export class ResultBatcher {
  readonly #calldata: PushCalldata;

  constructor(
    private readonly client: PolisClient,
    private readonly store: SchedulerStore,
    private readonly txs: TxQueue,
    private readonly init: BatcherInit,
    private readonly logger: Logger,
    private readonly metrics: SchedulerMetrics,
  ) {
    this.#calldata = new PushCalldata(client.taskManager.interface as unknown as Interface);
  }

  #tail: Promise<unknown> = Promise.resolve();
  #queued = false;

  /**
   * Pushes the deals whose batch is ready: full, old enough, forced, or complete (no other task
   * of the deal can still hand in a result, so waiting would only add latency). Passes never
   * overlap; calls made while one is queued share it.
   */
  flush(nowMs: number, force = false): Promise<number> {
    if (!force && this.#queued) return Promise.resolve(0);
    if (!force) this.#queued = true;
    const run = this.#tail.then(() => {
      if (!force) this.#queued = false;
      return this.#flushOnce(Math.max(nowMs, Date.now()), force);
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async #flushOnce(nowMs: number, force: boolean): Promise<number> {
    const byDeal = new Map<string, ReturnType<SchedulerStore["queuedResults"]>>();
    for (const row of this.store.queuedResults()) {
      const list = byDeal.get(row.dealId) ?? [];
      list.push(row);
      byDeal.set(row.dealId, list);
    }
    let pushed = 0;
    for (const [dealId, rows] of byDeal) {
      const oldest = Math.min(...rows.map((r) => r.queuedAt));
      const ready =
        force ||
        rows.length >= this.init.maxBatch ||
        nowMs - oldest >= this.init.flushMs ||
        this.store.outstandingTasksOfDeal(dealId) === 0;
      if (!ready) continue;
      for (let i = 0; i < rows.length; i += this.init.maxBatch) {
        pushed += await this.#push(dealId, rows.slice(i, i + this.init.maxBatch), nowMs);
      }
    }
    return pushed;
  }

  async #push(
    dealId: string,
    rows: ReturnType<SchedulerStore["queuedResults"]>,
    nowMs: number,
  ): Promise<number> {
    const dealRow = this.store.deal(dealId);
    if (!dealRow) return 0;
    const deal = toDeal(dealRow.deal);
    const results = rows.map((r) => toFastResult(r.result as never));
    const started = Date.now();
    try {
      // Plain calldata (see PushCalldata): the contract wrapper re-resolved every address of
      // every result in the batch.
      const data =
        results.length === 1
          ? this.#calldata.pushResult(dealId, deal, results[0])
          : this.#calldata.pushResults(dealId, deal, results);
      const signer = this.client.signer!;
      const to = this.client.taskManager.target as string;
      const tx = await this.txs.send(() => signer.sendTransaction({ to, data }));
      const receipt = await tx.wait();
      for (const r of rows) {
        this.store.setResultState(r.taskId, "pushed", tx.hash);
        this.store.setTaskState(r.taskId, "completed", nowMs);
        this.store.closeAssignments(r.taskId, "done", nowMs);
      }
      this.metrics.batches.inc();
      this.metrics.gasUsed.inc(Number(receipt?.gasUsed ?? 0n));
      this.metrics.chainSeconds.observe((Date.now() - started) / 1000);
      this.logger.info(
        { dealId, tasks: rows.length, tx: tx.hash, gas: receipt?.gasUsed?.toString() },
        "results pushed",
      );
      return rows.length;
    } catch (err) {
      // Only a revert condemns a result; a transport or nonce error leaves it queued for a retry.
      if ((err as { code?: string }).code !== "CALL_EXCEPTION") throw err;
      if (rows.length > 1) {
        this.logger.warn(
          { dealId, tasks: rows.length, err: (err as Error).message },
          "batch reverted; retrying one by one",
        );
        let n = 0;
        for (const r of rows) n += await this.#push(dealId, [r], nowMs);
        return n;
      }
      const [row] = rows;
      const status = Number((await this.client.taskManager.taskOf(row.taskId)).status);
      if (status === TASK_STATUS.Completed) {
        // Completed meanwhile (e.g. pushed by its worker while this scheduler was down).
        this.store.setResultState(row.taskId, "pushed", null);
        this.store.setTaskState(row.taskId, "completed", nowMs);
        this.store.closeAssignments(row.taskId, "done", nowMs);
        return 0;
      }
      if (status === TASK_STATUS.Failed) {
        this.store.dropResult(row.taskId);
        this.store.setTaskState(row.taskId, "failed", nowMs);
        this.store.closeAssignments(row.taskId, "failed", nowMs);
        return 0;
      }
      this.logger.error(
        { taskId: row.taskId, err: (err as Error).message },
        "result rejected on-chain; task requeued",
      );
      this.metrics.failures.inc({ cause: "result-rejected" });
      this.store.setResultState(row.taskId, "rejected", null);
      this.store.dropResult(row.taskId);
      this.store.failAssignment(row.taskId, row.worker, nowMs);
      return 0;
    }
  }
}
