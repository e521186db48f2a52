import { expect } from "chai";
import { ORDER_KIND_NAMES, OrderKind, orderToJson } from "../../src/core/index.js";
import type { Market } from "../../src/market/index.js";
import { networkHelpers } from "../helpers/fixture.js";
import type { PolisFixture } from "../helpers/fixture.js";
import { buildOrders, signOrders } from "../helpers/market.js";
import type { Assets } from "../helpers/market.js";
import { bookSnapshot, fundedAssets, postRaw, startMarket } from "./helpers.js";

describe("market publish fast path", () => {
  let f: PolisFixture;
  let assets: Assets;
  let market: Market;

  beforeEach(async () => {
    const { fx, a } = await networkHelpers.loadFixture(fundedAssets);
    f = fx;
    assets = a;
    market = await startMarket(f);
  });
  afterEach(async () => market.stop());

  const body = (kind: OrderKind, order: any) =>
    JSON.stringify({ kind: ORDER_KIND_NAMES[kind], order: orderToJson(kind, order) });

  it("answers every body exactly as the express route does", async () => {
    const { appOrder } = await signOrders(f, await buildOrders(f, assets));
    const { requestOrder } = await signOrders(f, await buildOrders(f, assets));
    const cases = [
      '{"kind": "app", "order": {',
      "123",
      '"app"',
      "[]",
      "{}",
      "  ",
      '{"kind": "app", "order": {}, "extra": 1}',
      body(OrderKind.App, { ...appOrder, price: appOrder.price + 1n }),
      "\ufeff" + body(OrderKind.Request, { ...requestOrder, volume: 1000n }),
      JSON.stringify({ kind: "app", order: { pad: "x".repeat(70_000) } }),
    ];
    for (const c of cases) {
      const fast = await postRaw(market, c, false);
      const express = await postRaw(market, c, true);
      expect(fast, c.slice(0, 60)).to.deep.equal(express);
      expect(fast.status, c.slice(0, 60)).to.be.within(400, 499);
    }
    expect(bookSnapshot(market)).to.deep.equal([]);

    const first = await postRaw(market, "\ufeff" + body(OrderKind.App, appOrder), false);
    const again = await postRaw(market, body(OrderKind.App, appOrder), true);
    expect([first.status, again.status]).to.deep.equal([201, 200]);
    expect(first.type).to.equal("application/json; charset=utf-8");
    expect(first.type).to.equal(again.type);
    expect(first.body).to.deep.equal(again.body);
    expect(bookSnapshot(market)).to.have.length(1);
  });

  it("counts fast-path requests in the HTTP metrics like the others", async () => {
    const { appOrder } = await signOrders(f, await buildOrders(f, assets));
    expect((await postRaw(market, body(OrderKind.App, appOrder), false)).status).to.equal(201);
    expect((await postRaw(market, "[", false)).status).to.equal(400); // not JSON: not a refusal
    expect((await postRaw(market, "{}", false)).status).to.equal(400);
    const metrics = await (await fetch(`${market.url}/metrics`)).text();
    expect(metrics).to.match(
      /market_http_requests_total\{method="POST",route="\/v1\/orders",status="201"\} 1/,
    );
    expect(metrics).to.match(
      /market_http_requests_total\{method="POST",route="\/v1\/orders",status="400"\} 2/,
    );
    expect(metrics).to.match(/market_orders_published_total\{kind="app"\} 1/);
    expect(metrics).to.match(/market_orders_refused_total\{reason="RequestInvalid"\} 1/);
  });
});
