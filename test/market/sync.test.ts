import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OrderKind, orderHash, signCancel } from "../../src/core/index.js";
import { createMarket } from "../../src/market/index.js";
import type { Market } from "../../src/market/index.js";
import { ONE, ethers, networkHelpers } from "../helpers/fixture.js";
import type { PolisFixture } from "../helpers/fixture.js";
import { buildOrders, match, signOrders } from "../helpers/market.js";
import type { Assets, OrderSet } from "../helpers/market.js";
import { clientOf, fundedAssets, get, publish, silentLogger, startMarket } from "./helpers.js";

/** Collects server-sent events of a market. */
async function subscribe(url: string) {
  const controller = new AbortController();
  const res = await fetch(`${url}/v1/events`, { signal: controller.signal });
  const events: { event: string; data: any }[] = [];
  const reader = res.body!.getReader();
  let buffer = "";
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += new TextDecoder().decode(value);
        let i;
        while ((i = buffer.indexOf("\n\n")) >= 0) {
          const frame = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    events,
    async waitFor(pred: (e: { event: string; data: any }) => boolean, ms = 3000) {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        const hit = events.find(pred);
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`event not received; got ${JSON.stringify(events.map((e) => e.event))}`);
    },
    async close() {
      controller.abort();
      await pump;
    },
  };
}

describe("market sync watcher", () => {
  let f: PolisFixture;
  let assets: Assets;
  let market: Market;

  beforeEach(async () => {
    const { fx, a } = await networkHelpers.loadFixture(fundedAssets);
    f = fx;
    assets = a;
    market = await startMarket(f);
    await market.sync.syncOnce();
  });
  afterEach(async () => market.stop());

  async function publishSet(set: OrderSet) {
    for (const [kind, order] of [
      [OrderKind.App, set.appOrder],
      [OrderKind.Dataset, set.datasetOrder],
      [OrderKind.Workerpool, set.workerpoolOrder],
      [OrderKind.Request, set.requestOrder],
    ] as const) {
      const res = await publish(market, kind, order as any);
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
    }
  }
  const hashOf = (kind: OrderKind, order: any) => orderHash(f.hubDomain, kind, order);
  const has = (kind: OrderKind, order: any) => market.store.get(hashOf(kind, order)) !== undefined;

  it("applies fills: filled orders leave the book, partly filled ones keep their remaining volume", async () => {
    const sse = await subscribe(market.url);
    const big = await signOrders(f, await buildOrders(f, assets, { volume: 3n }));
    const small = await signOrders(f, await buildOrders(f, assets, { volume: 1n }));
    await publishSet(big);
    await sse.waitFor((e) => e.event === "order-published");
    const { dealId } = await match(f, { ...big, requestOrder: small.requestOrder });
    await market.sync.syncOnce();
    expect(market.store.get(hashOf(OrderKind.App, big.appOrder))!.remaining).to.equal(2n);
    await match(f, {
      ...big,
      requestOrder: (await signOrders(f, await buildOrders(f, assets, { volume: 2n })))
        .requestOrder,
    });
    await market.sync.syncOnce();
    expect(has(OrderKind.App, big.appOrder)).to.equal(false);
    expect(has(OrderKind.Workerpool, big.workerpoolOrder)).to.equal(false);
    expect(has(OrderKind.Request, big.requestOrder)).to.equal(true);
    const deal = await sse.waitFor((e) => e.event === "deal-created");
    expect(deal.data.dealId).to.equal(dealId);
    const removed = await sse.waitFor((e) => e.event === "order-removed");
    expect(removed.data.reason).to.equal("filled");
    await sse.waitFor((e) => e.event === "order-updated" && e.data.remaining === "2");
    await sse.close();
  });

  it("removes cancelled orders", async () => {
    const set = await signOrders(f, await buildOrders(f, assets));
    await publishSet(set);
    const h = hashOf(OrderKind.Dataset, set.datasetOrder);
    await (
      await f.hub.cancelDatasetOrder(
        set.datasetOrder,
        await signCancel(f.actors.datasetOwner, f.hubDomain, h),
      )
    ).wait();
    const sse = await subscribe(market.url);
    await market.sync.syncOnce();
    expect(has(OrderKind.Dataset, set.datasetOrder)).to.equal(false);
    expect((await sse.waitFor((e) => e.event === "order-removed")).data).to.deep.include({
      orderHash: h,
      reason: "cancelled",
    });
    await sse.close();
  });

  it("kills the old owner's orders when the asset is transferred", async () => {
    const set = await signOrders(f, await buildOrders(f, assets));
    await publishSet(set);
    const { appOwner, stranger } = f.actors;
    await (
      await f.appRegistry
        .connect(appOwner)
        .transferFrom(appOwner.address, stranger.address, BigInt(assets.app))
    ).wait();
    await market.sync.syncOnce();
    expect(has(OrderKind.App, set.appOrder)).to.equal(false);
    expect(has(OrderKind.Dataset, set.datasetOrder)).to.equal(true);
  });

  it("removes orders the requester or pool owner can no longer cover after a withdrawal", async () => {
    const set = await signOrders(f, await buildOrders(f, assets, { volume: 5n }));
    await publishSet(set); // request needs 50, pool stake 7.5
    await (await f.hub.connect(f.actors.requester).withdraw(60n * ONE)).wait();
    await (await f.hub.connect(f.actors.poolOwner).withdraw(95n * ONE)).wait();
    await market.sync.syncOnce();
    expect(has(OrderKind.Request, set.requestOrder)).to.equal(false);
    expect(has(OrderKind.Workerpool, set.workerpoolOrder)).to.equal(false);
    expect(has(OrderKind.App, set.appOrder)).to.equal(true);
  });

  it("sweeps expired orders", async () => {
    const set = await signOrders(f, await buildOrders(f, assets));
    await publishSet(set);
    await networkHelpers.time.increase(2 * 24 * 3600);
    const sse = await subscribe(market.url);
    expect(await market.sync.sweepExpired()).to.equal(4);
    expect((await get(`${market.url}/v1/orders/app`)).body.total).to.equal(0);
    expect((await sse.waitFor((e) => e.event === "order-removed")).data.reason).to.equal("expired");
    await sse.close();
  });

  it("waits for the confirmation depth before applying an event", async () => {
    await market.stop();
    market = await startMarket(f, { confirmations: 2 });
    await market.sync.syncOnce();
    const set = await signOrders(f, await buildOrders(f, assets));
    await publishSet(set);
    const h = hashOf(OrderKind.App, set.appOrder);
    await (
      await f.hub.cancelAppOrder(set.appOrder, await signCancel(f.actors.appOwner, f.hubDomain, h))
    ).wait();
    await market.sync.syncOnce();
    expect(has(OrderKind.App, set.appOrder)).to.equal(true);
    await networkHelpers.mine(2);
    await market.sync.syncOnce();
    expect(has(OrderKind.App, set.appOrder)).to.equal(false);
  });

  it("survives a restart without missing events (persisted checkpoint)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "polis-market-"));
    try {
      await market.stop();
      const init = { dbPath: join(dir, "market.db") };
      market = await startMarket(f, init);
      await market.sync.syncOnce();
      const a = await signOrders(f, await buildOrders(f, assets));
      const b = await signOrders(f, await buildOrders(f, assets));
      await publishSet(a);
      await publish(market, OrderKind.App, b.appOrder);
      const checkpoint = market.store.checkpoint();
      await market.stop();
      // While the market is down: a cancel and a fill.
      const h = hashOf(OrderKind.App, b.appOrder);
      await (
        await f.hub.cancelAppOrder(b.appOrder, await signCancel(f.actors.appOwner, f.hubDomain, h))
      ).wait();
      await match(f, a);
      market = await startMarket(f, init);
      expect(market.store.checkpoint()).to.equal(checkpoint);
      expect(has(OrderKind.App, b.appOrder)).to.equal(true);
      await market.sync.syncOnce();
      expect(has(OrderKind.App, b.appOrder)).to.equal(false);
      for (const [k, o] of [
        [OrderKind.App, a.appOrder],
        [OrderKind.Dataset, a.datasetOrder],
        [OrderKind.Workerpool, a.workerpoolOrder],
        [OrderKind.Request, a.requestOrder],
      ] as const) {
        expect(has(k, o), OrderKind[k]).to.equal(false);
      }
      expect(market.store.checkpoint()).to.equal(await ethers.provider.getBlockNumber());
    } finally {
      await market.stop();
      market = await startMarket(f);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps polling through RPC errors and catches up", async () => {
    await market.stop();
    const client = await clientOf(f);
    let failures = 2;
    const provider = client.provider;
    const flaky = new Proxy(provider, {
      get(target, prop, receiver) {
        if (prop === "getLogs") {
          return async (...args: unknown[]) => {
            if (failures-- > 0) throw new Error("RPC down");
            return (target as any).getLogs(...args);
          };
        }
        const v = Reflect.get(target, prop, receiver);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    market = createMarket(
      { client: { ...client, provider: flaky }, logger: silentLogger },
      { port: 0, headTtlMs: 0, confirmations: 0, pollIntervalMs: 20, defaultMetrics: false },
    );
    await market.start();
    const set = await signOrders(f, await buildOrders(f, assets));
    await publishSet(set);
    const h = hashOf(OrderKind.App, set.appOrder);
    await (
      await f.hub.cancelAppOrder(set.appOrder, await signCancel(f.actors.appOwner, f.hubDomain, h))
    ).wait();
    const until = Date.now() + 5000;
    while (has(OrderKind.App, set.appOrder) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 20));
    expect(has(OrderKind.App, set.appOrder)).to.equal(false);
    const metrics = await (await fetch(`${market.url}/metrics`)).text();
    expect(metrics).to.match(/market_sync_errors_total 2/);
    expect(metrics).to.match(/market_open_orders\{kind="dataset"\} 1/);
  });
});
