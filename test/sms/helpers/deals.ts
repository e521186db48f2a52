import { ZeroAddress } from "ethers";
import { noDatasetOrder, signOrder, OrderKind, type Deal } from "../../../src/core/index.js";
import {
  ONE,
  deployFixture,
  fund,
  networkHelpers,
  type PolisFixture,
} from "../../helpers/fixture.js";
import {
  buildOrders,
  createAssets,
  match,
  signOrders,
  type Assets,
  type OrderOptions,
} from "../../helpers/market.js";

export interface DealContext {
  f: PolisFixture;
  assets: Assets;
  dealId: string;
  deal: Deal;
}

/** Deploys, registers assets, funds requester and pool owner. */
export async function marketFixture(): Promise<{ f: PolisFixture; assets: Assets }> {
  const f = await deployFixture();
  const assets = await createAssets(f);
  await fund(f, f.actors.requester, 10_000n * ONE);
  await fund(f, f.actors.poolOwner, 10_000n * ONE);
  return { f, assets };
}

/** Matches a deal for the fixture's assets (TEE, 4 tasks unless told otherwise). */
export async function matchDeal(
  f: PolisFixture,
  assets: Assets,
  o: OrderOptions & { withoutDataset?: boolean; params?: string } = {},
): Promise<DealContext> {
  const orders = await buildOrders(f, assets, { volume: 4n, ...o });
  if (o.withoutDataset) {
    orders.datasetOrder = noDatasetOrder();
    orders.requestOrder = { ...orders.requestOrder, dataset: ZeroAddress, datasetMaxPrice: 0n };
  }
  if (o.params !== undefined) orders.requestOrder = { ...orders.requestOrder, params: o.params };
  let signed = await signOrders(f, orders);
  if (o.withoutDataset) signed = { ...signed, datasetOrder: noDatasetOrder() };
  signed.requestOrder = await signOrder(
    f.actors.requester,
    f.hubDomain,
    OrderKind.Request,
    orders.requestOrder,
  );
  const { dealId, deal } = await match(f, signed);
  return { f, assets, dealId, deal };
}

/** A TEE deal of 4 tasks over the test dataset. */
export async function teeDealFixture(): Promise<DealContext> {
  const { f, assets } = await marketFixture();
  return matchDeal(f, assets);
}

export const loadFixture = networkHelpers.loadFixture;
