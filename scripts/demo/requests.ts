import { MaxUint256 } from "ethers";
import type { Wallet } from "ethers";
import { OrderKind, encodeRequestParams, taskIds } from "../../src/core/index.js";
import type { AppOrder, DatasetOrder, Deal, WorkerpoolOrder } from "../../src/core/index.js";
import { ServiceError } from "../../src/core/errors/index.js";
import type { GetDealTasksReturnType } from "../../src/sdk/actions/deals/getDealTasks.js";
import { watchDeal } from "../../src/sdk/actions/deals/watchDeal.js";
import { estimateMatch } from "../../src/sdk/actions/matching/estimateMatch.js";
import { matchOrders } from "../../src/sdk/actions/matching/matchOrders.js";
import type { MatchOrders } from "../../src/sdk/actions/matching/types.js";
import { buildRequestOrder } from "../../src/sdk/actions/orders/buildRequestOrder.js";
import { signOrder } from "../../src/sdk/actions/orders/signOrder.js";
import { decryptResult } from "../../src/sdk/actions/results/decryptResult.js";
import { downloadResult } from "../../src/sdk/actions/results/downloadResult.js";
import { as } from "./context.js";
import type { DemoContext } from "./context.js";

/** What a requester asks for. */
export interface RequestSpec {
  app: string;
  dataset?: string;
  tag: string;
  trust?: bigint;
  volume?: bigint;
  args?: string;
  /** Requester secrets the enclave may receive (names in the SMS). */
  secrets?: string[];
  /** Who can decrypt the results (default: the requester). */
  beneficiary?: string;
}

/** A matched deal. */
export interface MatchedDeal {
  dealId: string;
  deal: Deal;
  taskIds: string[];
  cost: bigint;
  gasUsed: bigint;
}

/**
 * What `polis run` does before matching: asks the market for the best compatible app, data set
 * and workerpool orders, then builds and signs a request order at exactly their prices.
 */
export async function prepareRequest(
  ctx: DemoContext,
  requester: Wallet,
  spec: RequestSpec,
): Promise<MatchOrders> {
  const client = as(ctx, requester);
  const common = {
    app: spec.app,
    dataset: spec.dataset,
    volume: spec.volume ?? 1n,
    tag: spec.tag,
    trust: spec.trust ?? 1n,
  };
  const best = await ctx.market.bestMatch(
    await buildRequestOrder(client, {
      ...common,
      appMaxPrice: MaxUint256,
      datasetMaxPrice: MaxUint256,
      workerpoolMaxPrice: MaxUint256,
    }),
  );
  const appOrder = best.appOrder.order as AppOrder;
  const datasetOrder = best.datasetOrder?.order as DatasetOrder | undefined;
  const workerpoolOrder = best.workerpoolOrder.order as WorkerpoolOrder;
  const unsigned = await buildRequestOrder(client, {
    ...common,
    appMaxPrice: appOrder.price,
    datasetMaxPrice: datasetOrder?.price ?? 0n,
    workerpoolMaxPrice: workerpoolOrder.price,
    category: workerpoolOrder.category,
    beneficiary: spec.beneficiary,
    params: encodeRequestParams({ args: spec.args, secrets: spec.secrets }),
  });
  const { order: requestOrder } = await signOrder(client, {
    kind: OrderKind.Request,
    order: unsigned,
  });
  return { appOrder, datasetOrder, workerpoolOrder, requestOrder };
}

/**
 * The requester's side of a deal through the market: best match, estimate (any broken rule is
 * thrown as its named ContractError), match.
 */
export async function requestViaMarket(
  ctx: DemoContext,
  requester: Wallet,
  spec: RequestSpec,
): Promise<MatchedDeal> {
  const orders = await prepareRequest(ctx, requester, spec);
  const client = as(ctx, requester);
  const estimate = await estimateMatch(client, orders);
  if (estimate.failure) throw estimate.failure;
  const m = await matchOrders(client, { ...orders, skipEstimate: true });
  return {
    dealId: m.dealId,
    deal: m.deal,
    taskIds: taskIds(m.deal, m.dealId),
    cost: m.cost,
    gasUsed: m.gasUsed,
  };
}

/** Waits until every task of the deal is completed or failed. */
export async function waitForDeal(
  ctx: DemoContext,
  deal: MatchedDeal,
  timeoutMs = 90_000,
): Promise<GetDealTasksReturnType> {
  const end = await watchDeal(ctx.client, {
    dealId: deal.dealId,
    deal: deal.deal,
    pollIntervalMs: 200,
    timeoutMs,
  });
  if (end.counts.completed !== end.tasks.length)
    throw new ServiceError(
      `Deal ${deal.dealId}: ${end.counts.completed} of ${end.tasks.length} tasks completed.`,
    );
  return end;
}

/**
 * Downloads a task's result from the pool's result store (checking its content address),
 * decrypts it with the beneficiary's key, checks the digest against the chain and returns the
 * app's `result.json`.
 */
export async function fetchResultJson<T>(
  ctx: DemoContext,
  taskId: string,
  privateKeyPem: string | undefined,
): Promise<T> {
  const { blob, resultDigest } = await downloadResult(ctx.client, { taskId });
  const { files } = decryptResult({ taskId, blob, privateKeyPem, expectedDigest: resultDigest });
  const file = files.find((f) => f.path === "result.json");
  if (!file) throw new ServiceError(`Task ${taskId} has no result.json.`);
  return JSON.parse(Buffer.from(file.data).toString("utf8")) as T;
}
