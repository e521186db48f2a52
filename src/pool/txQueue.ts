import type { TransactionResponse } from "ethers";

/**
 * Sends one wallet's transactions (the scheduler's, a worker's) one at a time, so concurrent tasks
 * never race for a nonce. The wait for mining happens outside the queue.
 */
export class TxQueue {
  #tail: Promise<unknown> = Promise.resolve();

  send<T extends TransactionResponse>(build: () => Promise<T>): Promise<T> {
    const next = this.#tail.then(build, build);
    this.#tail = next.catch(() => undefined);
    return next;
  }
}
