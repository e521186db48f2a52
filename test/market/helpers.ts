import { createServer, request } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { createClient } from "../../src/sdk/client.js";
import type { PolisClient } from "../../src/sdk/client.js";
import type { Deployment } from "../../src/sdk/deploy/deployment.js";
import { ORDER_KIND_NAMES, orderToJson } from "../../src/core/index.js";
import type { OrderByKind, OrderKind } from "../../src/core/index.js";
import { createMarket } from "../../src/market/index.js";
import type { Market, MarketInit } from "../../src/market/index.js";
import { ONE, deployFixture, ethers, fund } from "../helpers/fixture.js";
import type { PolisFixture } from "../helpers/fixture.js";
import { createAssets } from "../helpers/market.js";
import type { Assets } from "../helpers/market.js";

export const silentLogger = pino({ level: "silent" });

/** A deployment with the test assets and a funded requester and pool owner (for loadFixture). */
export async function fundedAssets(): Promise<{ fx: PolisFixture; a: Assets }> {
  const fx = await deployFixture();
  const a = await createAssets(fx);
  await fund(fx, fx.actors.requester, 100n * ONE);
  await fund(fx, fx.actors.poolOwner, 100n * ONE);
  return { fx, a };
}

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

/** A JSON-RPC node on 127.0.0.1 over the in-process chain that records what it is asked. */
export interface RecordingNode {
  url: string;
  /** Per HTTP request: the methods of its calls (a batch has several). */
  requests: string[][];
  /** While set, every HTTP request is answered 503 without a JSON body. */
  down: boolean;
  close(): Promise<void>;
}

export async function recordingNode(): Promise<RecordingNode> {
  const node: RecordingNode = { url: "", requests: [], down: false, close: async () => {} };
  const answer = async (call: { id: number; method: string; params: unknown[] }) => {
    try {
      return { result: await ethers.provider.send(call.method, call.params) };
    } catch (e) {
      const err = e as { message?: string; data?: string };
      return { error: { code: 3, message: String(err.message), data: err.data } };
    }
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      if (node.down) {
        res.writeHead(503).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString());
      const calls = Array.isArray(body) ? body : [body];
      node.requests.push(calls.map((c) => c.method));
      const out = await Promise.all(
        calls.map(async (c) => ({ jsonrpc: "2.0", id: c.id, ...(await answer(c)) })),
      );
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(Array.isArray(body) ? out : out[0]));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  node.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  node.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return node;
}

export interface RawAnswer {
  status: number;
  type: string | undefined;
  retryAfter: string | undefined;
  body: any;
}

/** POST /v1/orders with a Content-Length (the fast path) or chunked (always express). */
export function postRaw(market: Market, body: string, chunked: boolean): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const bytes = Buffer.from(body);
    const req = request(
      `${market.url}/v1/orders`,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(chunked ? { "transfer-encoding": "chunked" } : { "content-length": bytes.length }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            type: res.headers["content-type"],
            retryAfter: res.headers["retry-after"],
            body: JSON.parse(Buffer.concat(chunks).toString()),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(bytes);
  });
}
