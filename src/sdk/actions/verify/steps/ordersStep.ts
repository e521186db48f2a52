import { ZeroAddress, ZeroHash } from "ethers";
import {
  OrderKind,
  dealId as computeDealId,
  orderHash,
  orderKindName,
} from "../../../../core/index.js";
import type {
  AppOrder,
  DatasetOrder,
  Deal,
  RequestOrder,
  WorkerpoolOrder,
} from "../../../../core/index.js";
import { BaseError, ServiceError } from "../../../../core/errors/index.js";
import type { MarketClient } from "../../../market/client.js";
import { read } from "../../../internal/send.js";
import type { VerifyContext, VerifyStep } from "../types.js";

/**
 * The deal comes from its orders: the deal id derives from the request order hash, each order
 * hash has consumed volume on-chain, and (when the market still has them) each order hashes to
 * its id and carries the deal's terms.
 */
export const ordersStep: VerifyStep = {
  id: "orders",
  title: "Orders behind the deal",
  dependsOn: ["deal"],
  async run(ctx) {
    const { dealId, deal, orderHashes } = ctx.deal!;
    const [appHash, datasetHash, workerpoolHash, requestHash] = orderHashes;
    const derived = computeDealId(requestHash, deal.botFirst);
    if (derived !== dealId) {
      return {
        status: "fail",
        detail: `The deal id is not keccak(requestOrderHash, botFirst): expected ${derived}.`,
      };
    }
    const hub = ctx.client.hub;
    const present = orderHashes.filter((h) => h !== ZeroHash);
    const consumed = await read(() => Promise.all(present.map((h) => hub.consumed(h))));
    const short = present.filter((_, i) => consumed[i] < deal.botSize);
    if (short.length) {
      return { status: "fail", detail: `Order(s) ${short.join(", ")} show no consumed volume.` };
    }
    if ((datasetHash === ZeroHash) !== (deal.dataset === ZeroAddress)) {
      return { status: "fail", detail: "The dataset order hash and the deal's dataset disagree." };
    }
    const contents = ctx.market ? await checkContents(ctx, ctx.market, deal) : undefined;
    if (contents?.failure) return { status: "fail", detail: contents.failure };
    return {
      status: "pass",
      detail:
        `Deal id derives from request order ${requestHash.slice(0, 10)}…; app ${appHash.slice(0, 10)}…, ` +
        `${datasetHash === ZeroHash ? "no dataset" : `dataset ${datasetHash.slice(0, 10)}…`}, ` +
        `workerpool ${workerpoolHash.slice(0, 10)}… all consumed on-chain` +
        (contents ? `; ${contents.note}` : "; order contents not checked (no market)") +
        ".",
      data: { orderHashes },
    };
  },
};

async function checkContents(
  ctx: VerifyContext,
  market: MarketClient,
  deal: Deal,
): Promise<{ failure?: string; note: string }> {
  const [appHash, datasetHash, workerpoolHash, requestHash] = ctx.deal!.orderHashes;
  const wanted: Array<[OrderKind, string]> = [
    [OrderKind.App, appHash],
    [OrderKind.Dataset, datasetHash],
    [OrderKind.Workerpool, workerpoolHash],
    [OrderKind.Request, requestHash],
  ];
  let checked = 0;
  for (const [kind, hash] of wanted) {
    if (hash === ZeroHash) continue;
    let entry;
    try {
      entry = await market.getOrder(hash);
    } catch (error) {
      if (error instanceof ServiceError) {
        return { note: `order contents not checked (${error.shortMessage})` };
      }
      if (error instanceof BaseError) continue; // not (or no longer) in the book
      throw error;
    }
    const recomputed = orderHash(ctx.client.hubDomain, kind, entry.order as never);
    if (recomputed !== hash) {
      return {
        failure: `The market's ${orderKindName(kind)} order hashes to ${recomputed}, not ${hash}.`,
        note: "",
      };
    }
    const mismatch = termsMismatch(kind, entry.order, deal);
    if (mismatch) return { failure: `The ${orderKindName(kind)} order ${mismatch}.`, note: "" };
    checked++;
  }
  return {
    note: `${checked} order(s) from the market hash to their ids and carry the deal's terms`,
  };
}

function termsMismatch(kind: OrderKind, order: unknown, deal: Deal): string | undefined {
  const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  switch (kind) {
    case OrderKind.App: {
      const o = order as AppOrder;
      if (!eq(o.app, deal.app) || o.price !== deal.appPrice)
        return "does not carry the deal's app and price";
      return undefined;
    }
    case OrderKind.Dataset: {
      const o = order as DatasetOrder;
      if (!eq(o.dataset, deal.dataset) || o.price !== deal.datasetPrice)
        return "does not carry the deal's dataset and price";
      return undefined;
    }
    case OrderKind.Workerpool: {
      const o = order as WorkerpoolOrder;
      if (!eq(o.workerpool, deal.workerpool) || o.price !== deal.workerpoolPrice)
        return "does not carry the deal's workerpool and price";
      return undefined;
    }
    default: {
      const o = order as RequestOrder;
      if (!eq(o.requester, deal.requester) || !eq(o.beneficiary, deal.beneficiary))
        return "does not carry the deal's requester and beneficiary";
      return undefined;
    }
  }
}
