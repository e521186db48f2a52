import { expect } from "chai";
import { ZeroAddress } from "ethers";
import {
  NO_TAG,
  OrderKind,
  TEE_TAG,
  encodeTag,
  orderFromJson,
  signOrder,
} from "../../src/core/index.js";
import type { Market } from "../../src/market/index.js";
import { ONE, deployFixture, fund, networkHelpers } from "../helpers/fixture.js";
import type { PolisFixture } from "../helpers/fixture.js";
import { buildOrders, createAssets, dealFromReceipt, signOrders } from "../helpers/market.js";
import type { Assets } from "../helpers/market.js";
import { bookSnapshot, get, post, publish, startMarket } from "./helpers.js";

/** Registers another pool owned by the fixture's pool owner. */
async function createPool(f: PolisFixture, label: string): Promise<string> {
  const params = {
    description: label,
    resourceClass: 2,
    location: "edge",
    workerStakeRatio: 30,
    schedulerRewardRatio: 20,
    scheduler: ZeroAddress,
  };
  const pool = await f.workerpoolRegistry.predictWorkerpool(f.actors.poolOwner.address, params);
  await (await f.workerpoolRegistry.connect(f.actors.poolOwner).createWorkerpool(params)).wait();
  return pool;
}

describe("market queries", () => {
  let f: PolisFixture;
  let assets: Assets;
  let pool2: string;
  let market: Market;

  async function setup() {
    const fx = await deployFixture();
    const a = await createAssets(fx);
    const p2 = await createPool(fx, "second pool");
    await fund(fx, fx.actors.requester, 1000n * ONE);
    await fund(fx, fx.actors.poolOwner, 1000n * ONE);
    return { fx, a, p2 };
  }

  beforeEach(async () => {
    const { fx, a, p2 } = await networkHelpers.loadFixture(setup);
    f = fx;
    assets = a;
    pool2 = p2;
    market = await startMarket(f);
  });
  afterEach(async () => market.stop());

  const sign = <K extends OrderKind>(kind: K, order: any, who = f.actors.appOwner) =>
    signOrder(who, f.hubDomain, kind, order);

  async function appOrders(prices: bigint[], patch: Record<string, unknown> = {}) {
    const hashes: string[] = [];
    for (const price of prices) {
      const { appOrder } = await buildOrders(f, assets);
      const res = await publish(
        market,
        OrderKind.App,
        await sign(OrderKind.App, { ...appOrder, price, ...patch }),
      );
      expect(res.status).to.equal(201);
      hashes.push(res.body.orderHash);
    }
    return hashes;
  }

  describe("GET /v1/orders/:kind", () => {
    it("sorts by price, then publication time, then hash, and paginates", async () => {
      const hashes = await appOrders([5n, 1n, 3n, 1n, 2n]);
      const all = await get(`${market.url}/v1/orders/app?pageSize=10`);
      expect(all.status).to.equal(200);
      expect(all.body.total).to.equal(5);
      expect(all.body.orders.map((o: any) => o.order.price)).to.deep.equal([
        "1",
        "1",
        "2",
        "3",
        "5",
      ]);
      expect(all.body.orders[0].orderHash).to.equal(hashes[1]); // published before hashes[3]
      const entry = all.body.orders[0];
      expect(entry).to.include.keys("orderHash", "order", "remaining", "publishedAt", "signer");
      expect(entry.signer).to.equal(f.actors.appOwner.address.toLowerCase());
      const p1 = await get(`${market.url}/v1/orders/app?pageSize=2&page=1`);
      expect(p1.body.orders.map((o: any) => o.order.price)).to.deep.equal(["2", "3"]);
      expect(p1.body).to.include({ page: 1, pageSize: 2, total: 5 });
    });

    it("filters restrictions with and without strict", async () => {
      await appOrders([1n]);
      await appOrders([2n], { requesterRestrict: f.actors.requester.address });
      await appOrders([3n], { requesterRestrict: f.actors.stranger.address });
      const loose = await get(
        `${market.url}/v1/orders/app?requester=${f.actors.requester.address}`,
      );
      expect(loose.body.orders.map((o: any) => o.order.price)).to.deep.equal(["1", "2"]);
      const strict = await get(
        `${market.url}/v1/orders/app?requester=${f.actors.requester.address}&strict=true`,
      );
      expect(strict.body.orders.map((o: any) => o.order.price)).to.deep.equal(["2"]);
      const byApp = await get(`${market.url}/v1/orders/app?app=${assets.app}`);
      expect(byApp.body.total).to.equal(3);
      const other = await get(`${market.url}/v1/orders/app?app=${assets.dataset}`);
      expect(other.body.total).to.equal(0);
    });

    it("filters workerpool orders by category, trust, tags and volume", async () => {
      const mk = async (patch: Record<string, unknown>) => {
        const { workerpoolOrder } = await buildOrders(f, assets);
        const res = await publish(
          market,
          OrderKind.Workerpool,
          await sign(OrderKind.Workerpool, { ...workerpoolOrder, ...patch }, f.actors.poolOwner),
        );
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
      };
      await mk({ price: 1n, category: 0n, trust: 1n, tag: NO_TAG, volume: 1n });
      await mk({ price: 2n, category: 1n, trust: 3n, tag: TEE_TAG, volume: 5n });
      await mk({ price: 3n, category: 1n, trust: 5n, tag: encodeTag(["tee", "gpu"]), volume: 10n });
      const q = async (s: string) =>
        (await get(`${market.url}/v1/orders/workerpool?${s}`)).body.orders.map(
          (o: any) => o.order.price,
        );
      expect(await q("category=1")).to.deep.equal(["2", "3"]);
      expect(await q("minTrust=3&maxTrust=4")).to.deep.equal(["2"]);
      expect(await q(`minTag=${TEE_TAG}`)).to.deep.equal(["2", "3"]);
      expect(await q(`minTag=${encodeTag(["gpu"])}`)).to.deep.equal(["3"]);
      expect(await q(`maxTag=${TEE_TAG}`)).to.deep.equal(["1", "2"]);
      expect(await q("minVolume=5")).to.deep.equal(["2", "3"]);
      expect(await q(`workerpool=${assets.workerpool}&category=0`)).to.deep.equal(["1"]);
    });

    it("returns one order by hash, 404 for an unknown one", async () => {
      const [h] = await appOrders([7n]);
      const one = await get(`${market.url}/v1/orders/hash/${h}`);
      expect(one.body.order.price).to.equal("7");
      const none = await get(`${market.url}/v1/orders/hash/0x${"ab".repeat(32)}`);
      expect(none.status).to.equal(404);
    });

    it("refuses injection attempts in filters with 400 and leaves the table intact", async () => {
      await appOrders([1n, 2n]);
      const before = bookSnapshot(market);
      for (const payload of [
        "' OR 1=1 --",
        "0x0000000000000000000000000000000000000000' OR '1'='1",
        "1; DROP TABLE orders; --",
        "1 OR 1=1",
      ]) {
        for (const key of ["app", "requester", "category", "minTag", "pageSize", "strict"]) {
          const res = await get(
            `${market.url}/v1/orders/app?${key}=${encodeURIComponent(payload)}`,
          );
          expect(res.status, `${key}=${payload}`).to.equal(400);
          expect(res.body.error.name).to.equal("RequestInvalid");
        }
      }
      const unknown = await get(`${market.url}/v1/orders/app?price_key=1`);
      expect(unknown.status).to.equal(400);
      expect(bookSnapshot(market)).to.deep.equal(before);
      expect((await get(`${market.url}/v1/orders/app`)).body.total).to.equal(2);
    });

    it("stores hostile strings only as parameters (request params with SQL)", async () => {
      const { requestOrder } = await buildOrders(f, assets);
      const params = `'); DROP TABLE orders; -- " OR 1=1`;
      const signed = await sign(OrderKind.Request, { ...requestOrder, params }, f.actors.requester);
      expect((await publish(market, OrderKind.Request, signed)).status).to.equal(201);
      const list = await get(`${market.url}/v1/orders/request`);
      expect(list.body.orders[0].order.params).to.equal(params);
    });
  });

  describe("POST /v1/match/best", () => {
    async function publishAll(kind: OrderKind, orders: any[], who: any) {
      for (const o of orders) {
        const res = await publish(market, kind, await sign(kind, o, who));
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
      }
    }

    it("returns the cheapest compatible orders, confirmed by estimateMatch, and they match on chain", async () => {
      const base = await buildOrders(f, assets, { volume: 5n });
      const stranger = f.actors.stranger.address;
      await publishAll(
        OrderKind.App,
        [
          { ...base.appOrder, price: 3n * ONE },
          { ...base.appOrder, price: 1n * ONE, requesterRestrict: stranger }, // not for this requester
          { ...base.appOrder, price: 2n * ONE },
        ],
        f.actors.appOwner,
      );
      await publishAll(
        OrderKind.Dataset,
        [
          { ...base.datasetOrder, price: 2n * ONE },
          { ...base.datasetOrder, price: 1n * ONE, volume: 2n },
        ],
        f.actors.datasetOwner,
      );
      await publishAll(
        OrderKind.Workerpool,
        [
          { ...base.workerpoolOrder, price: 1n * ONE, tag: NO_TAG }, // no TEE
          { ...base.workerpoolOrder, price: 2n * ONE, trust: 0n }, // trust too low? request trust 1
          { ...base.workerpoolOrder, price: 4n * ONE, workerpool: pool2 },
          { ...base.workerpoolOrder, price: 3n * ONE, category: 1n },
        ],
        f.actors.poolOwner,
      );
      const request = await sign(OrderKind.Request, base.requestOrder, f.actors.requester);
      const { orderToJson } = await import("../../src/core/index.js");
      const res = await post(`${market.url}/v1/match/best`, {
        requestOrder: orderToJson(OrderKind.Request, request),
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.appOrder.price).to.equal((2n * ONE).toString());
      expect(res.body.datasetOrder.price).to.equal((1n * ONE).toString());
      expect(res.body.workerpoolOrder.price).to.equal((4n * ONE).toString());
      expect(res.body.estimate.volume).to.equal("2");
      expect(res.body.estimate.cost).to.equal((14n * ONE).toString());
      const tx = await f.hub
        .connect(f.actors.requester)
        .matchOrders(
          orderFromJson(OrderKind.App, res.body.appOrder),
          orderFromJson(OrderKind.Dataset, res.body.datasetOrder),
          orderFromJson(OrderKind.Workerpool, res.body.workerpoolOrder),
          request,
        );
      const { deal } = dealFromReceipt(f, (await tx.wait())!);
      expect(deal.botSize).to.equal(2n);
    });

    it("honours an app's workerpool restriction over a cheaper pool", async () => {
      const base = await buildOrders(f, assets);
      await publishAll(
        OrderKind.App,
        [{ ...base.appOrder, workerpoolRestrict: pool2 }],
        f.actors.appOwner,
      );
      await publishAll(OrderKind.Dataset, [base.datasetOrder], f.actors.datasetOwner);
      await publishAll(
        OrderKind.Workerpool,
        [
          { ...base.workerpoolOrder, price: 1n * ONE },
          { ...base.workerpoolOrder, price: 5n * ONE, workerpool: pool2 },
        ],
        f.actors.poolOwner,
      );
      const { orderToJson } = await import("../../src/core/index.js");
      const request = await sign(OrderKind.Request, base.requestOrder, f.actors.requester);
      const res = await post(`${market.url}/v1/match/best`, {
        requestOrder: orderToJson(OrderKind.Request, request),
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.workerpoolOrder.workerpool).to.equal(pool2);
    });

    it("answers an unsigned draft request (what polis run asks before signing) with the offers", async () => {
      const base = await buildOrders(f, assets);
      await publishAll(OrderKind.App, [base.appOrder], f.actors.appOwner);
      await publishAll(OrderKind.Dataset, [base.datasetOrder], f.actors.datasetOwner);
      await publishAll(OrderKind.Workerpool, [base.workerpoolOrder], f.actors.poolOwner);
      const { orderToJson } = await import("../../src/core/index.js");
      const draft = { ...base.requestOrder, signature: "0x" };
      const res = await post(`${market.url}/v1/match/best`, {
        requestOrder: orderToJson(OrderKind.Request, draft),
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.appOrder.app).to.equal(base.appOrder.app);
      expect(res.body.estimate.volume).to.equal(base.requestOrder.volume.toString());
      // A signed request from someone else is still refused as the request's own fault.
      const forged = await sign(OrderKind.Request, base.requestOrder, f.actors.stranger);
      const bad = await post(`${market.url}/v1/match/best`, {
        requestOrder: orderToJson(OrderKind.Request, forged),
      });
      expect(bad.status).to.equal(422);
    });

    it("answers 404 when nothing is compatible and 422 when the request itself is unmatchable", async () => {
      const base = await buildOrders(f, assets);
      const { orderToJson } = await import("../../src/core/index.js");
      const request = await sign(OrderKind.Request, base.requestOrder, f.actors.requester);
      const none = await post(`${market.url}/v1/match/best`, {
        requestOrder: orderToJson(OrderKind.Request, request),
      });
      expect(none.status).to.equal(404);
      const set = await signOrders(f, base);
      await publish(market, OrderKind.App, set.appOrder);
      await publish(market, OrderKind.Dataset, set.datasetOrder);
      await publish(market, OrderKind.Workerpool, set.workerpoolOrder);
      const forged = await sign(OrderKind.Request, base.requestOrder, f.actors.stranger);
      const bad = await post(`${market.url}/v1/match/best`, {
        requestOrder: orderToJson(OrderKind.Request, forged),
      });
      expect(bad.status).to.equal(422);
      expect(bad.body.error).to.include({
        name: "RequestUnmatchable",
        errorName: "OrderSignatureInvalid",
      });
      const malformed = await post(`${market.url}/v1/match/best`, { requestOrder: { app: "x" } });
      expect(malformed.status).to.equal(400);
    });
  });
});
