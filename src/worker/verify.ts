import { ZeroAddress, verifyTypedData } from "ethers";
import { UserError } from "../core/errors/index.js";
import {
  WORKER_AUTHORIZATION_TYPES,
  dealHash,
  taskId as computeTaskId,
  toDeal,
} from "../core/index.js";
import type { PolisClient } from "../sdk/client.js";
import type { Assignment, HelloResponse } from "../pool/protocol.js";

/**
 * Deals already found on-chain with exactly the content an assignment carried. A deal's record
 * never changes once matched, so the tasks of one deal check it against the chain once.
 */
export class VerifiedDeals {
  readonly #seen = new Map<string, true>();
  constructor(private readonly max = 1_024) {}

  has(key: string): boolean {
    return this.#seen.has(key);
  }

  add(key: string): void {
    this.#seen.set(key, true);
    if (this.#seen.size > this.max) this.#seen.delete(this.#seen.keys().next().value!);
  }
}

/**
 * Checks an assignment against the chain before spending anything on it: the deal exists with
 * exactly this content, belongs to this pool and scheduler, the task id matches, and (standard
 * tasks) the authorization is the deal scheduler's signature for this worker.
 * @throws UserError naming the first check that failed.
 */
export async function verifyAssignment(
  client: PolisClient,
  pool: HelloResponse,
  worker: string,
  a: Assignment,
  verified?: VerifiedDeals,
): Promise<void> {
  const deal = toDeal(a.deal);
  if (computeTaskId(a.dealId, BigInt(a.index)).toLowerCase() !== a.taskId.toLowerCase()) {
    throw new UserError("Assignment task id does not match its deal and index.");
  }
  const key = `${a.dealId.toLowerCase()}|${JSON.stringify(a.deal)}`;
  if (!verified?.has(key)) {
    if ((await client.hub.dealHash(a.dealId, deal.botFirst)) !== dealHash(deal)) {
      throw new UserError(`Deal ${a.dealId} is unknown on-chain or was altered.`);
    }
    verified?.add(key);
  }
  if (
    deal.workerpool.toLowerCase() !== pool.pool.toLowerCase() ||
    deal.scheduler.toLowerCase() !== pool.scheduler.toLowerCase()
  ) {
    throw new UserError("The deal belongs to another pool or scheduler.");
  }
  if (a.mode === "standard") {
    const signer = verifyTypedData(
      client.taskDomain,
      WORKER_AUTHORIZATION_TYPES,
      { worker, taskId: a.taskId, enclave: ZeroAddress },
      a.authorization ?? "0x",
    );
    if (signer.toLowerCase() !== deal.scheduler.toLowerCase()) {
      throw new UserError("The authorization is not signed by the deal's scheduler.");
    }
  }
}
