/**
 * Market and auditor benchmark (npm run bench:market).
 *
 * On an anvil chain in a child process: deploys Polis, registers 20 apps, 20 datasets and 10 pools,
 * seeds 100k signed open orders through the store, then measures
 *  - best-match latency (POST /v1/match/best over HTTP, confirmed by the hub's estimateMatch);
 *  - publish throughput (POST /v1/orders over HTTP with every check on; chain reads cached per block;
 *    the load generator runs on its own thread);
 *  - indexer replay speed (a full replay of the chain's history into a fresh auditor database).
 * Prints the figures and writes bench/results/market.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { Worker } from "node:worker_threads";
import { join } from "node:path";
import { pino } from "pino";
import {
  KeepAliveJsonRpcProvider,
  ORDER_KIND_NAMES,
  OrderKind,
  orderToJson,
} from "../../src/core/index.js";
import { createAuditor } from "../../src/auditor/index.js";
import { createMarket, createOrderHasher, openMarketStore } from "../../src/market/index.js";
import { createClient } from "../../src/sdk/client.js";
import { startAnvil } from "./market/anvil.js";
import { generateHistory } from "./market/history.js";
import { appOrder, datasetOrder, requestOrder, rng, workerpoolOrder } from "./market/orders.js";
import type { Unsigned } from "./market/orders.js";
import { createSignerPool } from "./market/signer.js";
import { buildWorld } from "./market/world.js";

const SEED_ORDERS = Number(process.env.BENCH_ORDERS ?? 100_000);
const MATCH_QUERIES = Number(process.env.BENCH_MATCHES ?? 1000);
const PUBLISHES = Number(process.env.BENCH_PUBLISHES ?? 5000);
const HISTORY_DEALS = Number(process.env.BENCH_DEALS ?? 300);
const CONCURRENCY = 32;

const logger = pino({ level: "silent" });
const log = (s: string) => process.stdout.write(`${s}\n`);
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
function post(url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        let data = "";
        res.on("data", (c) => (data += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: data }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function signAll(
  pool: ReturnType<typeof createSignerPool>,
  hasher: ReturnType<typeof createOrderHasher>,
  items: Unsigned[],
) {
  const digests = items.map((u) => hasher(u.kind, u.order));
  const sigs = await pool.sign(items.map((u, i) => [u.key, digests[i]]));
  return items.map((u, i) => ({
    ...u,
    order: { ...u.order, signature: sigs[i] },
    hash: digests[i],
  }));
}

const started = Date.now();
const chain = await startAnvil(18_000 + Math.floor(Math.random() * 2000));
const dir = mkdtempSync(join(tmpdir(), "polis-bench-"));
const signers = createSignerPool(2);
try {
  log(`chain: anvil at ${chain.url}`);
  const world = await buildWorld(chain.provider);
  const provider = new KeepAliveJsonRpcProvider(chain.url);
  const client = await createClient({ provider, deployment: world.client.deployment });
  const hasher = createOrderHasher(client.hubDomain);
  const now = BigInt((await provider.getBlock("latest"))!.timestamp);
  const expiry = now + 30n * 86_400n;

  // Seed the book through the store (signed orders, as publish would store them).
  let t = performance.now();
  const r = rng(42);
  const makers = [appOrder, datasetOrder, workerpoolOrder];
  const store = openMarketStore(join(dir, "market.db"));
  // Seeding in a function lets the 100k order objects be collected before the measurements.
  await (async () => {
    const unsigned: Unsigned[] = [];
    for (let i = 0; i < SEED_ORDERS; i++) {
      unsigned.push(
        i % 10 === 9 ? requestOrder(world, r, expiry) : makers[i % 3](world, r, expiry),
      );
    }
    const seeded = await signAll(signers, hasher, unsigned);
    store.transaction(() => {
      const base = Date.now() - SEED_ORDERS;
      seeded.forEach((s, i) =>
        store.insert({
          kind: s.kind,
          orderHash: s.hash,
          order: s.order,
          remaining: s.order.volume,
          signer: s.signer.toLowerCase(),
          publishedAt: base + i,
        }),
      );
    });
  })();
  log(
    `seeded ${SEED_ORDERS} signed orders in ${round((performance.now() - t) / 1000, 1)} s: ${JSON.stringify(store.openCount())}`,
  );

  const market = createMarket(
    { client, logger, store },
    {
      port: 0,
      maxOpenOrdersPerWallet: 1_000_000,
      defaultMetrics: false,
      confirmations: 1,
      verifyThreads: 1,
    },
  );
  await market.start();

  // Best match.
  const queries = await signAll(
    signers,
    hasher,
    Array.from({ length: MATCH_QUERIES + 50 }, () =>
      requestOrder(world, r, expiry, { maxPrice: 1000n * 10n ** 15n }),
    ),
  );
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  for (const [i, q] of queries.entries()) {
    const body = JSON.stringify({ requestOrder: orderToJson(OrderKind.Request, q.order) });
    const t0 = performance.now();
    const res = await post(`${market.url}/v1/match/best`, body);
    const ms = performance.now() - t0;
    if (i < 50) continue; // warm-up
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    if (res.status === 200) latencies.push(ms);
  }
  const bestMatchMs = {
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
  };
  log(
    `best match over ${SEED_ORDERS} orders: p50 ${bestMatchMs.p50} ms, p99 ${bestMatchMs.p99} ms (statuses ${JSON.stringify(statuses)})`,
  );

  // Publish throughput: fresh signed orders through HTTP with every check on.
  const fresh = await signAll(
    signers,
    hasher,
    Array.from({ length: PUBLISHES }, (_, i) =>
      i % 4 === 3
        ? requestOrder(world, r, expiry, { maxPrice: 10n ** 15n })
        : makers[i % 3](world, r, expiry),
    ),
  );
  const bodies = fresh.map((f) =>
    JSON.stringify({ kind: ORDER_KIND_NAMES[f.kind], order: orderToJson(f.kind, f.order) }),
  );
  const { statuses: publishStatuses, seconds: publishSeconds } = await new Promise<{
    statuses: Record<number, number>;
    seconds: number;
  }>((resolve, reject) => {
    const worker = new Worker(new URL("./market/loadWorker.mjs", import.meta.url), {
      workerData: { url: `${market.url}/v1/orders`, bodies, concurrency: CONCURRENCY },
    });
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  const publishPerSec = round(PUBLISHES / publishSeconds, 0);
  log(
    `publish: ${PUBLISHES} orders in ${round(publishSeconds)} s = ${publishPerSec}/s (statuses ${JSON.stringify(publishStatuses)}, concurrency ${CONCURRENCY})`,
  );
  await market.stop();
  store.close();

  // Indexer replay.
  t = performance.now();
  const txs = await generateHistory(world, r, HISTORY_DEALS);
  log(
    `history: ${HISTORY_DEALS} deals of 4 TEE tasks (${txs} transactions) in ${round((performance.now() - t) / 1000, 1)} s`,
  );
  const auditor = createAuditor(
    { client, logger },
    {
      port: 0,
      dbPath: join(dir, "auditor.db"),
      watch: false,
      confirmations: 0,
      defaultMetrics: false,
    },
  );
  await auditor.start();
  t = performance.now();
  const progress = await auditor.indexer.syncOnce();
  const replaySeconds = (performance.now() - t) / 1000;
  const indexerEventsPerSec = round(progress.events / replaySeconds, 0);
  log(
    `indexer: replayed ${progress.events} events (${progress.checkpoint} blocks) in ${round(replaySeconds)} s = ${indexerEventsPerSec} events/s`,
  );
  await auditor.stop();

  const results = { bestMatchMs, publishPerSec, indexerEventsPerSec };
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/market.json", JSON.stringify(results, null, 2) + "\n");
  log(
    `targets: best-match p99 <= 10 ms ${bestMatchMs.p99 <= 10 ? "✓" : "✗"}, >= 1000 publishes/s ${publishPerSec >= 1000 ? "✓" : "✗"}, >= 5000 events/s ${indexerEventsPerSec >= 5000 ? "✓" : "✗"}`,
  );
  log(`wrote bench/results/market.json (${round((Date.now() - started) / 1000, 0)} s total)`);
  provider.destroy();
} finally {
  agent.destroy();
  await signers.close();
  chain.stop();
  rmSync(dir, { recursive: true, force: true });
}
