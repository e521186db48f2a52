import { ServiceError } from "../../../core/errors/index.js";
import type { Deal } from "../../../core/index.js";
import type { PolisClient } from "../../client.js";
import { chainTime } from "../orders/defaults.js";
import { getDeal } from "./getDeal.js";
import { getDealTasks } from "./getDealTasks.js";
import type { GetDealTasksReturnType } from "./getDealTasks.js";

export interface WatchDealParameters {
  dealId: string;
  deal?: Deal;
  /** Called after every poll. */
  onProgress?: (state: GetDealTasksReturnType) => void;
  /** Milliseconds between polls (default 1000). */
  pollIntervalMs?: number;
  /** Give up after this many milliseconds (default: never; stops at the final deadline). */
  timeoutMs?: number;
  /** Stop early when aborted. */
  signal?: AbortSignal;
}

export interface WatchDealReturnType extends GetDealTasksReturnType {
  /** Every task is completed or failed. */
  done: boolean;
  /** The final deadline passed with tasks unfinished: they can be claimed. */
  claimable: boolean;
}

/**
 * Polls a deal's tasks until all are completed or failed, the final deadline passes (unfinished
 * tasks become claimable), the timeout expires or the signal aborts.
 * @example
 * const end = await watchDeal(client, { dealId, onProgress: (s) => show(s.counts) });
 */
export async function watchDeal(
  client: PolisClient,
  params: WatchDealParameters,
): Promise<WatchDealReturnType> {
  const deal = params.deal ?? (await getDeal(client, { dealId: params.dealId })).deal;
  const interval = params.pollIntervalMs ?? 1000;
  const started = Date.now();
  for (;;) {
    const state = await getDealTasks(client, { dealId: params.dealId, deal });
    params.onProgress?.(state);
    const finished = state.counts.completed + state.counts.failed;
    if (finished === state.tasks.length) return { ...state, done: true, claimable: false };
    if ((await chainTime(client)) >= state.finalDeadline) {
      return { ...state, done: false, claimable: true };
    }
    if (params.signal?.aborted) return { ...state, done: false, claimable: false };
    if (params.timeoutMs !== undefined && Date.now() - started >= params.timeoutMs) {
      throw new ServiceError(
        `Deal ${params.dealId} is not finished after ${Math.round(params.timeoutMs / 1000)} s ` +
          `(${finished}/${state.tasks.length} tasks done).`,
        { hint: "Watch again later with `polis deal show <dealId> --watch`." },
      );
    }
    await sleep(interval, params.signal);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
