import { pino } from "pino";
import { createClient } from "../../src/sdk/client.js";
import type { PolisClient } from "../../src/sdk/client.js";
import type { Deployment } from "../../src/sdk/deploy/deployment.js";
import { ORDER_KIND_NAMES, orderToJson } from "../../src/core/index.js";
import type { OrderByKind, OrderKind } from "../../src/core/index.js";
import { createMarket } from "../../src/market/index.js";
import type { Market, MarketInit } from "../../src/market/index.js";
import { ethers } from "../helpers/fixture.js";
import type { PolisFixture } from "../helpers/fixture.js";

export const silentLogger = pino({ level: "silent" });

/** Deployment record of a fixture (indexers start at block 0 on the test chain). */
export async function deploymentOf(f: PolisFixture): Promise<Deployment> {
  return {
    chainId: f.chainId.toString(),
    hub: await f.hub.getAddress(),
    taskManager: await f.taskManager.getAddress(),
    token: await f.token.getAddress(),
    appRegistry: await f.appRegistry.getAddress(),
    datasetRegistry: await f.datasetRegistry.getAddress(),
    workerpoolRegistry: await f.workerpoolRegistry.getAddress(),
    startBlock: 0,
    deployedAt: new Date(0).toISOString(),
  };
}

/** A read-only client of the fixture over the in-process chain. */
export async function clientOf(f: PolisFixture): Promise<PolisClient> {
  return createClient({ provider: ethers.provider, deployment: await deploymentOf(f) });
}

/** A started market on a free port; the watcher is driven by hand unless `init.watch` is set. */
export async function startMarket(f: PolisFixture, init: MarketInit = {}): Promise<Market> {
  const market = createMarket(
    { client: await clientOf(f), logger: silentLogger },
    { port: 0, headTtlMs: 0, confirmations: 0, watch: false, defaultMetrics: false, ...init },
  );
  await market.start();
  return market;
}

export interface HttpResult<T = any> {
  status: number;
  body: T;
}

export async function post<T = any>(
  url: string,
  body: unknown,
  raw = false,
): Promise<HttpResult<T>> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: raw ? (body as string) : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

export async function get<T = any>(url: string): Promise<HttpResult<T>> {
  const res = await fetch(url);
  const text = await res.text();
  return { status: res.status, body: (text.startsWith("{") ? JSON.parse(text) : text) as T };
}

/** POST /v1/orders for a typed order. */
export function publish<K extends OrderKind>(
  market: Market,
  kind: K,
  order: OrderByKind[K],
  extra: Record<string, unknown> = {},
): Promise<HttpResult> {
  return post(`${market.url}/v1/orders`, {
    kind: ORDER_KIND_NAMES[kind],
    order: orderToJson(kind, order),
    ...extra,
  });
}

/** Every open order hash with its remaining volume, to assert the book did not change. */
export function bookSnapshot(market: Market): string[] {
  return market.store.db
    .prepare("SELECT order_hash, remaining FROM orders ORDER BY order_hash")
    .all()
    .map((r) => `${r.order_hash}:${r.remaining}`);
}
