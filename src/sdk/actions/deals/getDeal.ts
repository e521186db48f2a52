import { dealHash, toDeal } from "../../../core/index.js";
import type { Deal } from "../../../core/index.js";
import type { PolisClient } from "../../client.js";
import { DealNotFoundError, IntegrityError } from "../../errors/index.js";
import { findEvents } from "../../internal/logs.js";
import { read } from "../../internal/send.js";
import { parseBytes32 } from "../../internal/values.js";

export interface GetDealParameters {
  dealId: string;
}

export interface GetDealReturnType {
  dealId: string;
  deal: Deal;
  /** app, dataset (zero when none), workerpool and request order hashes. */
  orderHashes: [string, string, string, string];
  /** The request's params string (its keccak is `deal.paramsHash`). */
  params: string;
  blockNumber: number;
  txHash: string;
}

/**
 * Loads a deal from its DealCreated event and checks it against the hash the hub stores, so
 * what is returned is exactly what task operations will be checked against.
 * @throws DealNotFoundError when the hub knows no such deal; IntegrityError when the event and
 * the stored hash disagree (a broken node).
 * @example const { deal, orderHashes } = await getDeal(client, { dealId });
 */
export async function getDeal(
  client: PolisClient,
  params: GetDealParameters,
): Promise<GetDealReturnType> {
  const dealId = parseBytes32(params.dealId, "deal id");
  const [created] = await findEvents(
    client,
    client.hub.interface,
    client.deployment.hub,
    "DealCreated",
    [dealId],
  );
  if (!created) throw new DealNotFoundError(dealId);
  const deal = toDeal(created.event.args.deal);
  const stored = await read(() => client.hub.dealHash(dealId, deal.botFirst));
  if (BigInt(stored) === 0n) throw new DealNotFoundError(dealId);
  const computed = dealHash(deal);
  if (computed !== stored) throw new IntegrityError(`Deal ${dealId} hash`, stored, computed);
  const hashes = created.event.args.orderHashes as string[];
  return {
    dealId,
    deal,
    orderHashes: [hashes[0], hashes[1], hashes[2], hashes[3]],
    params: created.event.args.params as string,
    blockNumber: created.log.blockNumber,
    txHash: created.log.transactionHash,
  };
}
