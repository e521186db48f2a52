import { expect } from "chai";
import { ORDER_KIND_NAMES, OrderKind, orderToJson } from "../../src/core/index.js";
import type { AppOrder } from "../../src/core/index.js";
import { createMarket } from "../../src/market/index.js";
import type { Market } from "../../src/market/index.js";
import { networkHelpers } from "../helpers/fixture.js";
import type { PolisFixture } from "../helpers/fixture.js";
import { buildOrders, signOrders } from "../helpers/market.js";
import type { Assets } from "../helpers/market.js";
import { bookSnapshot, clientOf, fundedAssets, postRaw, silentLogger } from "./helpers.js";

const body = (order: AppOrder) =>
  JSON.stringify({
    kind: ORDER_KIND_NAMES[OrderKind.App],
    order: orderToJson(OrderKind.App, order),
  });

describe("market: clients whose orders keep being refused are slowed down", () => {
  let f: PolisFixture;
  let assets: Assets;
  let market: Market;
  let now: number;

  beforeEach(async () => {
    const { fx, a } = await networkHelpers.loadFixture(fundedAssets);
    f = fx;
    assets = a;
    now = Date.now();
    market = createMarket(
      { client: await clientOf(f), logger: silentLogger, clock: { now: () => now } },
      {
        port: 0,
        headTtlMs: 0,
        confirmations: 0,
        watch: false,
        defaultMetrics: false,
        refusedPublishes: { capacity: 3, refillPerSecond: 0.5 },
      },
    );
    await market.start();
  });
  afterEach(async () => market.stop());

  const signed = async () => (await signOrders(f, await buildOrders(f, assets))).appOrder;
  /** An app order whose signature is not its owner's (price changed after signing). */
  const forged = async () => {
    const o = await signed();
    return { ...o, price: o.price + 1n };
  };

  it("never counts published orders", async () => {
    for (let i = 0; i < 6; i++) {
      expect((await postRaw(market, body(await signed()), i % 2 === 1)).status).to.equal(201);
    }
    expect(bookSnapshot(market)).to.have.length(6);
  });

  it("answers 429 PublishThrottled with Retry-After once the burst is refused, on both paths, storing nothing", async () => {
    for (let i = 0; i < 3; i++) {
      const refused = await postRaw(market, body(await forged()), i === 1);
      expect(refused.status).to.equal(403);
      expect(refused.body.error.name).to.equal("OrderSignatureInvalid");
    }
    const good = await signed();
    for (const chunked of [false, true]) {
      for (const order of [await forged(), good]) {
        const throttled = await postRaw(market, body(order), chunked);
        expect(throttled.status).to.equal(429);
        expect(throttled.retryAfter).to.equal("2");
        expect(throttled.body.error.name).to.equal("PublishThrottled");
        expect(throttled.body.error.message).to.match(/refused; publish again in 2 s/);
        expect(throttled.body.error.hint).to.match(/Fix what the refusals said/);
      }
    }
    expect(bookSnapshot(market)).to.deep.equal([]);
    const metrics = await (await fetch(`${market.url}/metrics`)).text();
    expect(metrics).to.match(/market_orders_refused_total\{reason="PublishThrottled"\} 4/);

    // The bucket refills at 0.5 per second: after 2 s one order is checked again.
    now += 2_000;
    expect((await postRaw(market, body(good), false)).status).to.equal(201);
    expect((await postRaw(market, body(await forged()), true)).status).to.equal(403);
    expect((await postRaw(market, body(await signed()), false)).status).to.equal(429);
  });

  it("can be turned off (more refusals than the default burst of 100, none throttled)", async () => {
    await market.stop();
    market = createMarket(
      { client: await clientOf(f), logger: silentLogger },
      {
        port: 0,
        headTtlMs: 0,
        confirmations: 0,
        watch: false,
        defaultMetrics: false,
        refusedPublishes: false,
      },
    );
    await market.start();
    const bad = body(await forged());
    const statuses = new Set<number>();
    for (let i = 0; i < 120; i++) statuses.add((await postRaw(market, bad, false)).status);
    expect([...statuses]).to.deep.equal([403]);
  });
});
