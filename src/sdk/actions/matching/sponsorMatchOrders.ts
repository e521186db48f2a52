import type { PolisClient } from "../../client.js";
import { matchWith } from "./matchOrders.js";
import type { MatchOrdersParameters, MatchOrdersReturnType } from "./matchOrders.js";

/**
 * Matches four orders into a deal paid by the signer (the sponsor) instead of the requester; the
 * sponsor is refunded if tasks fail.
 * @throws ContractError e.g. EscrowInsufficientBalance for the sponsor.
 * @example const { dealId } = await sponsorMatchOrders(sponsorClient, orders);
 */
export async function sponsorMatchOrders(
  client: PolisClient,
  params: MatchOrdersParameters,
): Promise<MatchOrdersReturnType> {
  return matchWith(client, params, true);
}
