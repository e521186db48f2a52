import { expect } from "chai";
import { Wallet } from "ethers";
import { OrderKind, orderHash, signCancel, signOrder } from "../../src/core/index.js";
import { createOrderHasher } from "../../src/market/index.js";
import type { Market } from "../../src/market/index.js";
import { deployFixture, ethers, networkHelpers } from "../helpers/fixture.js";
import type { PolisFixture } from "../helpers/fixture.js";
import { buildOrders, createAssets, signOrders } from "../helpers/market.js";
import type { Assets } from "../helpers/market.js";
import { bookSnapshot, fundedAssets, post, publish, startMarket } from "./helpers.js";

describe("market", () => {
  let f: PolisFixture;
  let assets: Assets;
  let market: Market;

  beforeEach(async () => {
    const { fx, a } = await networkHelpers.loadFixture(fundedAssets);
    f = fx;
    assets = a;
    market = await startMarket(f, { maxOpenOrdersPerWallet: 3 });
  });
  afterEach(async () => market.stop());

  /** Publishes `order` expecting a refusal; asserts the status, error name and an unchanged book. */
  async function refused(
    kind: OrderKind,
    order: any,
    status: number,
    name: string,
    extra: Record<string, unknown> = {},
  ) {
    const before = bookSnapshot(market);
    const res = await publish(market, kind, order, extra);
    expect(res.status, JSON.stringify(res.body)).to.equal(status);
    expect(res.body.error.name).to.equal(name);
    expect(bookSnapshot(market)).to.deep.equal(before);
    return res.body.error;
  }

  describe("POST /v1/orders", () => {
    it("accepts the four kinds signed by their owners and returns hash and remaining", async () => {
      const set = await signOrders(f, await buildOrders(f, assets, { volume: 3n }));
      for (const [kind, order] of [
        [OrderKind.App, set.appOrder],
        [OrderKind.Dataset, set.datasetOrder],
        [OrderKind.Workerpool, set.workerpoolOrder],
        [OrderKind.Request, set.requestOrder],
      ] as const) {
        const res = await publish(market, kind, order as any);
        expect(res.status).to.equal(201);
        expect(res.body.orderHash).to.equal(orderHash(f.hubDomain, kind, order as any));
        expect(res.body.remaining).to.equal("3");
      }
      expect(bookSnapshot(market)).to.have.length(4);
    });

    it("computes the same digest as the hub and src/core", async () => {
      const set = await buildOrders(f, assets);
      const hasher = createOrderHasher(f.hubDomain);
      expect(hasher(OrderKind.App, set.appOrder)).to.equal(await f.hub.hashAppOrder(set.appOrder));
      expect(hasher(OrderKind.Dataset, set.datasetOrder)).to.equal(
        await f.hub.hashDatasetOrder(set.datasetOrder),
      );
      expect(hasher(OrderKind.Workerpool, set.workerpoolOrder)).to.equal(
        await f.hub.hashWorkerpoolOrder(set.workerpoolOrder),
      );
      expect(hasher(OrderKind.Request, set.requestOrder)).to.equal(
        await f.hub.hashRequestOrder(set.requestOrder),
      );
    });

    it("is idempotent: publishing the same order again returns 200 and one entry", async () => {
      const { appOrder } = await signOrders(f, await buildOrders(f, assets));
      expect((await publish(market, OrderKind.App, appOrder)).status).to.equal(201);
      expect((await publish(market, OrderKind.App, appOrder)).status).to.equal(200);
      expect(bookSnapshot(market)).to.have.length(1);
    });

    it("accepts an order presigned on chain by its owner", async () => {
      const { appOrder } = await buildOrders(f, assets);
      const h = orderHash(f.hubDomain, OrderKind.App, appOrder);
      await (await f.hub.connect(f.actors.appOwner).presign(h)).wait();
      expect((await publish(market, OrderKind.App, appOrder)).status).to.equal(201);
    });

    it("verifies a second order of the same wallet through the cached public key", async () => {
      const a = await signOrders(f, await buildOrders(f, assets));
      const b = await signOrders(f, await buildOrders(f, assets));
      expect((await publish(market, OrderKind.App, a.appOrder)).status).to.equal(201);
      expect((await publish(market, OrderKind.App, b.appOrder)).status).to.equal(201);
      // A signature of the same wallet over another order must still fail on the cached path.
      await refused(OrderKind.App, { ...b.appOrder, price: 1n }, 403, "OrderSignatureInvalid");
    });

    it("refuses a forged signature (403 OrderSignatureInvalid)", async () => {
      const { appOrder } = await signOrders(f, await buildOrders(f, assets));
      const forged = await Wallet.createRandom().signTypedData(
        f.hubDomain,
        { AppOrder: [{ name: "app", type: "address" }] },
        { app: appOrder.app },
      );
      await refused(
        OrderKind.App,
        { ...appOrder, signature: forged },
        403,
        "OrderSignatureInvalid",
      );
      await refused(
        OrderKind.App,
        { ...appOrder, price: appOrder.price + 1n },
        403,
        "OrderSignatureInvalid",
      );
    });

    it("refuses an unsigned order that is not presigned", async () => {
      const { appOrder } = await buildOrders(f, assets);
      await refused(OrderKind.App, appOrder, 403, "OrderSignatureInvalid");
    });

    it("refuses a high-s (malleable) and a short signature", async () => {
      const { appOrder } = await signOrders(f, await buildOrders(f, assets));
      const sig = ethers.Signature.from(appOrder.signature);
      const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
      const high = ethers.concat([
        sig.r,
        ethers.toBeHex(n - BigInt(sig.s), 32),
        sig.v === 27 ? "0x1c" : "0x1b",
      ]);
      const error = await refused(
        OrderKind.App,
        { ...appOrder, signature: high },
        403,
        "OrderSignatureInvalid",
      );
      expect(error.message).to.match(/high-s/);
      await refused(
        OrderKind.App,
        { ...appOrder, signature: appOrder.signature.slice(0, 130) },
        403,
        "OrderSignatureInvalid",
      );
    });

    it("refuses an order signed by someone who does not own the asset", async () => {
      const { appOrder } = await buildOrders(f, assets);
      const signed = await signOrder(f.actors.stranger, f.hubDomain, OrderKind.App, appOrder);
      const error = await refused(OrderKind.App, signed, 403, "OrderSignatureInvalid");
      expect(error.message).to.contain(f.actors.appOwner.address.toLowerCase());
    });

    it("refuses a request order signed by someone other than its requester", async () => {
      const { requestOrder } = await buildOrders(f, assets);
      const signed = await signOrder(
        f.actors.stranger,
        f.hubDomain,
        OrderKind.Request,
        requestOrder,
      );
      await refused(OrderKind.Request, signed, 403, "OrderSignatureInvalid");
    });

    it("refuses an order for an unregistered asset (422 AssetUnknown)", async () => {
      const { appOrder } = await buildOrders(f, assets);
      const signed = await signOrder(f.actors.appOwner, f.hubDomain, OrderKind.App, {
        ...appOrder,
        app: Wallet.createRandom().address,
      });
      await refused(OrderKind.App, signed, 422, "AssetUnknown");
    });

    it("accepts an order for an asset registered after the market's cached head", async () => {
      const cached = await startMarket(f, { headTtlMs: 60_000 });
      try {
        const first = await signOrders(f, await buildOrders(f, assets));
        expect((await publish(cached, OrderKind.App, first.appOrder as any)).status).to.equal(201);
        const fresh = await createAssets(f, "fresh");
        const { appOrder } = await signOrders(f, await buildOrders(f, fresh));
        const res = await publish(cached, OrderKind.App, appOrder as any);
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
      } finally {
        await cached.stop();
      }
    });

    it("refuses an expired order (422 OrderExpired)", async () => {
      const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
      const { appOrder } = await buildOrders(f, assets);
      const signed = await signOrder(f.actors.appOwner, f.hubDomain, OrderKind.App, {
        ...appOrder,
        expiry: now - 1n,
      });
      await refused(OrderKind.App, signed, 422, "OrderExpired");
    });

    it("refuses a fully consumed (cancelled) order (422 OrderConsumed)", async () => {
      const { appOrder } = await signOrders(f, await buildOrders(f, assets));
      const h = orderHash(f.hubDomain, OrderKind.App, appOrder);
      const cancel = await signCancel(f.actors.appOwner, f.hubDomain, h);
      await (await f.hub.cancelAppOrder(appOrder, cancel)).wait();
      await refused(OrderKind.App, appOrder, 422, "OrderConsumed");
    });

    it("refuses a request its requester cannot pay for (422 BalanceInsufficient)", async () => {
      const { requestOrder } = await signOrders(
        f,
        await buildOrders(f, assets, { volume: 11n }), // 11 x 10 POLIS > 100 POLIS deposited
      );
      const error = await refused(OrderKind.Request, requestOrder, 422, "BalanceInsufficient");
      expect(error.message).to.contain("110000000000000000000");
    });

    it("refuses a workerpool order whose owner cannot stake 30% of it", async () => {
      // 100 POLIS deposited; 30% of 5 POLIS x 67 tasks = 100.5 POLIS
      const { workerpoolOrder } = await signOrders(
        f,
        await buildOrders(f, assets, { volume: 67n }),
      );
      await refused(OrderKind.Workerpool, workerpoolOrder, 422, "BalanceInsufficient");
    });

    it("refuses malformed JSON (400) and an oversized body (413)", async () => {
      const before = bookSnapshot(market);
      const bad = await post(`${market.url}/v1/orders`, '{"kind": "app", "order": {', true);
      expect(bad.status).to.equal(400);
      expect(bad.body.error.name).to.equal("RequestInvalid");
      const big = await post(`${market.url}/v1/orders`, {
        kind: "app",
        order: { pad: "x".repeat(70_000) },
      });
      expect(big.status).to.equal(413);
      expect(big.body.error.name).to.equal("BodyTooLarge");
      expect(bookSnapshot(market)).to.deep.equal(before);
    });

    it("refuses unknown, missing and mistyped fields (400)", async () => {
      const { appOrder } = await signOrders(f, await buildOrders(f, assets));
      const json = (o: any) => ({ kind: "app", order: o });
      const base = (await import("../../src/core/index.js")).orderToJson(OrderKind.App, appOrder);
      for (const body of [
        json({ ...base, extra: "1" }),
        json({ ...base, price: undefined }),
        json({ ...base, price: "-1" }),
        json({ ...base, price: "1e18" }),
        json({ ...base, app: "0x1234" }),
        json({ ...base, tag: "0x01" }),
        { kind: "car", order: base },
        { ...json(base), admin: true },
        [json(base)],
      ]) {
        const res = await post(`${market.url}/v1/orders`, body);
        expect(res.status, JSON.stringify(body).slice(0, 80)).to.equal(400);
        expect(res.body.error.name).to.equal("RequestInvalid");
      }
      expect(bookSnapshot(market)).to.deep.equal([]);
    });

    it("refuses an orderHash that is not the order's digest (400 OrderHashMismatch)", async () => {
      const { appOrder } = await signOrders(f, await buildOrders(f, assets));
      await refused(OrderKind.App, appOrder, 400, "OrderHashMismatch", {
        orderHash: ethers.ZeroHash,
      });
    });

    it("limits open orders per wallet (429 OrderLimitReached)", async () => {
      for (let i = 0; i < 3; i++) {
        const { appOrder } = await signOrders(f, await buildOrders(f, assets));
        expect((await publish(market, OrderKind.App, appOrder)).status).to.equal(201);
      }
      const { appOrder } = await signOrders(f, await buildOrders(f, assets));
      await refused(OrderKind.App, appOrder, 429, "OrderLimitReached");
    });
  });
});

describe("market with worker-thread signature checks", () => {
  it("accepts owners' orders and refuses forged ones through the verifier pool", async () => {
    const fx = await networkHelpers.loadFixture(deployFixture);
    const assets = await createAssets(fx);
    const market = await startMarket(fx, { verifyThreads: 1 });
    try {
      const a = await signOrders(fx, await buildOrders(fx, assets));
      const b = await signOrders(fx, await buildOrders(fx, assets));
      expect((await publish(market, OrderKind.App, a.appOrder)).status).to.equal(201);
      expect((await publish(market, OrderKind.App, b.appOrder)).status).to.equal(201);
      const forged = await publish(market, OrderKind.App, { ...b.appOrder, price: 1n });
      expect(forged.status).to.equal(403);
      expect(forged.body.error.name).to.equal("OrderSignatureInvalid");
    } finally {
      await market.stop();
    }
  });
});
