import type { Logger } from "pino";
import { hexlify, toUtf8Bytes } from "ethers";
import { toDeal } from "../core/index.js";
import type { PolisClient } from "../sdk/client.js";
import { TASK_STATUS } from "./chainSync.js";
import type { SchedulerMetrics } from "./metrics.js";
import type { SchedulerStore } from "./store.js";
import type { TxQueue } from "../pool/txQueue.js";

const PROVED = 2;

/**
 * Closes replicated tasks: finalizes once every consensus winner revealed (or one did and the
 * reveal deadline passed), and reopens a consensus nobody revealed so new workers can contribute.
 */
export class Finalizer {
  constructor(
    private readonly client: PolisClient,
    private readonly store: SchedulerStore,
    private readonly txs: TxQueue,
    private readonly logger: Logger,
    private readonly metrics: SchedulerMetrics,
  ) {}

  async tick(chainNow: bigint, nowMs: number): Promise<void> {
    for (const task of this.store.openTasks()) {
      if (task.chainStatus !== TASK_STATUS.Revealing) continue;
      const view = await this.client.taskManager.taskOf(task.taskId);
      if (Number(view.status) !== TASK_STATUS.Revealing) continue;
      const reveals = Number(view.revealCount);
      const ready =
        reveals === Number(view.winnerCount) || (reveals > 0 && chainNow >= view.revealDeadline);
      const dealRow = this.store.deal(task.dealId);
      if (!dealRow) continue;
      const deal = toDeal(dealRow.deal);
      try {
        if (ready) await this.#finalize(task.taskId, task.dealId, deal, task.index, nowMs);
        else if (reveals === 0 && chainNow >= view.revealDeadline)
          await this.#reopen(task.taskId, task.dealId, deal, task.index, nowMs);
      } catch (err) {
        this.metrics.failures.inc({ cause: "finalize" });
        this.logger.error(
          { taskId: task.taskId, err: (err as Error).message },
          "finalize/reopen failed; will retry",
        );
      }
    }
  }

  async #finalize(
    taskId: string,
    dealId: string,
    deal: ReturnType<typeof toDeal>,
    index: number,
    nowMs: number,
  ): Promise<void> {
    // The result pointer and callback data of a worker whose reveal proved the consensus.
    let resultUrl = "";
    let callbackData = "0x";
    for (const a of this.store.assignmentsOf(taskId)) {
      const c = await this.client.taskManager.contributionOf(taskId, a.worker);
      if (Number(c.status) === PROVED && a.resultUrl) {
        resultUrl = a.resultUrl;
        callbackData = a.callbackData ?? "0x";
        break;
      }
    }
    const tx = await this.txs.send(() =>
      this.client.taskManager.finalize(
        dealId,
        deal,
        index,
        hexlify(toUtf8Bytes(resultUrl)),
        callbackData,
      ),
    );
    const receipt = await tx.wait();
    this.store.setTaskResult(
      taskId,
      resultUrl || null,
      callbackData === "0x" ? null : callbackData,
    );
    this.store.setTaskState(taskId, "completed", nowMs);
    this.store.closeAssignments(taskId, "done", nowMs);
    this.metrics.gasUsed.inc(Number(receipt?.gasUsed ?? 0n));
    this.logger.info({ taskId, tx: tx.hash }, "task finalized");
  }

  async #reopen(
    taskId: string,
    dealId: string,
    deal: ReturnType<typeof toDeal>,
    index: number,
    nowMs: number,
  ): Promise<void> {
    const tx = await this.txs.send(() => this.client.taskManager.reopen(dealId, deal, index));
    await tx.wait();
    this.store.closeAssignments(taskId, "failed", nowMs);
    this.store.setChainStatus(taskId, TASK_STATUS.Active, 0, nowMs);
    this.store.setTaskState(taskId, "pending", nowMs);
    this.logger.warn({ taskId }, "nobody revealed; task reopened");
  }
}
