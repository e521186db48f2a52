import { noDatasetOrder, toDeal } from "../../../core/index.js";
import type { Deal } from "../../../core/index.js";
import type { PolisClient } from "../../client.js";
import { parseReceiptLogs } from "../../internal/logs.js";
import { requireSigner } from "../../internal/signer.js";
import { sendTransaction, transactionInfo } from "../../internal/send.js";
import type { TransactionInfo } from "../../internal/send.js";
import { estimateMatch } from "./estimateMatch.js";
import type { MatchOrders } from "./types.js";

export interface MatchOrdersParameters extends MatchOrders {
  /** Skip the dry run (saves one call; a failure then surfaces from gas estimation). */
  skipEstimate?: boolean;
}

export interface MatchOrdersReturnType extends TransactionInfo {
  dealId: string;
  deal: Deal;
  /** app, dataset (zero when none), workerpool and request order hashes. */
  orderHashes: [string, string, string, string];
  volume: bigint;
  cost: bigint;
}

/**
 * Matches four orders into a deal; the requester pays. Runs {@link estimateMatch} first so a
 * doomed match throws its named ContractError without sending anything.
 * @throws ContractError e.g. EscrowInsufficientBalance, OrderExpired, OrderSignatureInvalid.
 * @example const { dealId, deal } = await matchOrders(client, { appOrder, workerpoolOrder, requestOrder });
 */
export async function matchOrders(
  client: PolisClient,
  params: MatchOrdersParameters,
): Promise<MatchOrdersReturnType> {
  return matchWith(client, params, false);
}

/** Shared by matchOrders and sponsorMatchOrders. */
export async function matchWith(
  client: PolisClient,
  params: MatchOrdersParameters,
  sponsored: boolean,
): Promise<MatchOrdersReturnType> {
  const { address } = await requireSigner(client, "Matching orders");
  const datasetOrder = params.datasetOrder ?? noDatasetOrder();
  if (!params.skipEstimate) {
    const estimate = await estimateMatch(client, {
      ...params,
      datasetOrder,
      sponsor: sponsored ? address : params.requestOrder.requester,
    });
    if (estimate.failure) throw estimate.failure;
  }
  const args = [
    params.appOrder,
    datasetOrder,
    params.workerpoolOrder,
    params.requestOrder,
  ] as const;
  const receipt = await sendTransaction(client, () =>
    sponsored ? client.hub.sponsorMatchOrders(...args) : client.hub.matchOrders(...args),
  );
  const [created] = parseReceiptLogs(
    receipt,
    client.hub.interface,
    client.deployment.hub,
    "DealCreated",
  );
  const deal = toDeal(created.args.deal);
  const hashes = created.args.orderHashes as string[];
  return {
    ...transactionInfo(receipt),
    dealId: created.args.dealId as string,
    deal,
    orderHashes: [hashes[0], hashes[1], hashes[2], hashes[3]],
    volume: deal.botSize,
    cost: (deal.appPrice + deal.datasetPrice + deal.workerpoolPrice) * deal.botSize,
  };
}
