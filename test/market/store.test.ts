import { expect } from "chai";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NO_TAG, OrderKind, TEE_TAG } from "../../src/core/index.js";
import type { AppOrder, RequestOrder, WorkerpoolOrder } from "../../src/core/index.js";
import { openMarketStore } from "../../src/market/index.js";
import type { MarketStore } from "../../src/market/index.js";
import { searchCombos } from "../../src/market/bestMatch.js";
import { ZERO } from "../../src/market/orderColumns.js";
import { filterOf, parseOrderQuery } from "../../src/market/queryFilters.js";
import { startWalCheckpointer } from "../../src/market/walCheckpointer.js";

const APP = "0x" + "a1".repeat(20);
const POOL = "0x" + "b2".repeat(20);
const OWNER = "0x" + "c3".repeat(20);
const REQUESTER = "0x" + "d4".repeat(20);
const EXPIRY = 4_000_000_000n;
let salt = 0;
const nextSalt = () => "0x" + (++salt).toString(16).padStart(64, "0");

function appOrder(price: bigint, workerpoolRestrict = ZERO): AppOrder {
  return {
    app: APP,
    price,
    volume: 5n,
    tag: TEE_TAG,
    datasetRestrict: ZERO,
    workerpoolRestrict,
    requesterRestrict: ZERO,
    expiry: EXPIRY,
    salt: nextSalt(),
    signature: "0x",
  };
}

function poolOrder(price: bigint, category: bigint): WorkerpoolOrder {
  return {
    workerpool: POOL,
    price,
    volume: 5n,
    tag: TEE_TAG,
    category,
    trust: 1n,
    appRestrict: ZERO,
    datasetRestrict: ZERO,
    requesterRestrict: ZERO,
    expiry: EXPIRY,
    salt: nextSalt(),
    signature: "0x",
  };
}

function request(): RequestOrder {
  return {
    app: APP,
    appMaxPrice: 100n,
    dataset: ZERO,
    datasetMaxPrice: 0n,
    workerpool: ZERO,
    workerpoolMaxPrice: 100n,
    requester: REQUESTER,
    volume: 1n,
    tag: NO_TAG,
    category: 1n,
    trust: 1n,
    beneficiary: REQUESTER,
    callback: ZERO,
    params: "{}",
    expiry: EXPIRY,
    salt: nextSalt(),
    signature: "0x",
  };
}

function add(store: MarketStore, kind: OrderKind, order: any, hash = nextSalt()): string {
  store.insert({ kind, orderHash: hash, order, remaining: 5n, signer: OWNER, publishedAt: 1 });
  return hash;
}

function planOf(store: MarketStore, kind: OrderKind, query: Record<string, string>): string {
  const f = filterOf(kind, parseOrderQuery(query));
  const sql = `SELECT * FROM orders WHERE ${["kind = ?", ...f.where].join(" AND ")} ORDER BY price_key`;
  return (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(kind, ...f.params) as any[])
    .map((r) => r.detail)
    .join(" | ");
}

describe("market store", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "polis-store-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe("indexes", () => {
    it("serves own-asset, strict, restriction, category and signer filters from their indexes", () => {
      const store = openMarketStore();
      try {
        expect(planOf(store, OrderKind.App, { app: APP })).to.contain("orders_by_app");
        expect(planOf(store, OrderKind.App, { workerpool: POOL, strict: "true" })).to.contain(
          "orders_by_workerpool",
        );
        expect(planOf(store, OrderKind.App, { workerpool: POOL })).to.contain("orders_by_price");
        expect(planOf(store, OrderKind.Workerpool, { category: "1" })).to.contain(
          "orders_by_category",
        );
        expect(planOf(store, OrderKind.Request, { requester: REQUESTER })).to.contain(
          "orders_by_requester",
        );
        expect(planOf(store, OrderKind.Workerpool, { signer: OWNER })).to.contain(
          "orders_by_signer",
        );
      } finally {
        store.close();
      }
    });

    it("lists restricted and unrestricted orders alike, and app orders only for category 0", () => {
      const store = openMarketStore();
      try {
        const open = add(store, OrderKind.App, appOrder(3n));
        const restricted = add(store, OrderKind.App, appOrder(2n, POOL));
        add(store, OrderKind.App, appOrder(1n, "0x" + "e5".repeat(20)));
        const list = (kind: OrderKind, q: Record<string, string>) => {
          const f = filterOf(kind, parseOrderQuery(q));
          return {
            hashes: store.list(kind, f, 0, 10).map((e) => e.orderHash),
            n: store.count(kind, f),
          };
        };
        expect(list(OrderKind.App, { workerpool: POOL })).to.deep.equal({
          hashes: [restricted, open],
          n: 2,
        });
        expect(list(OrderKind.App, { workerpool: POOL, strict: "true" }).hashes).to.deep.equal([
          restricted,
        ]);
        expect(list(OrderKind.App, { category: "0" }).n).to.equal(3);
        expect(list(OrderKind.App, { category: "2" }).n).to.equal(0);
      } finally {
        store.close();
      }
    });

    it("replaces the full indexes of a book written by an earlier version, keeping its orders", () => {
      const path = join(dir, "book.db");
      const store = openMarketStore(path);
      const h = add(store, OrderKind.App, appOrder(3n));
      store.db.exec(
        "CREATE INDEX orders_app ON orders (kind, app, price_key, published_at, order_hash)",
      );
      store.close();
      const reopened = openMarketStore(path);
      try {
        const names = (
          reopened.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all() as any[]
        ).map((r) => r.name);
        expect(names).to.not.include("orders_app");
        expect(names).to.include("orders_by_app");
        expect((reopened.get(h)?.order as AppOrder).price).to.equal(3n);
      } finally {
        reopened.close();
      }
    });
  });

  describe("WAL checkpoints", () => {
    it("checkpoints a file book on its own thread, the writer only appending", async () => {
      const path = join(dir, "book.db");
      const store = openMarketStore(path);
      try {
        const row = store.db.prepare("PRAGMA wal_autocheckpoint").get() as any;
        expect(Number(Object.values(row)[0])).to.be.greaterThan(1000);
        const hashes = Array.from({ length: 50 }, (_, i) =>
          add(store, OrderKind.App, appOrder(BigInt(i + 1))),
        );
        // A second connection sees every order without the writer checkpointing.
        const reader = new DatabaseSync(path);
        const n = reader.prepare("SELECT COUNT(*) AS n FROM orders").get() as any;
        reader.close();
        expect(Number(n.n)).to.equal(50);
        expect((store.get(hashes[49])?.order as AppOrder).price).to.equal(50n);
      } finally {
        store.close();
      }
    });

    it("closes with the WAL checkpointed and removed: nothing touches the files afterwards", async () => {
      const subs: string[] = [];
      for (let round = 0; round < 5; round++) {
        const sub = mkdtempSync(join(dir, "book-"));
        const store = openMarketStore(join(sub, "book.db"));
        for (let i = 0; i < 20; i++) add(store, OrderKind.App, appOrder(BigInt(1 + i)));
        store.close();
        expect(readdirSync(sub)).to.deep.equal(["book.db"]);
        rmSync(sub, { recursive: true });
        subs.push(sub);
      }
      await new Promise((r) => setTimeout(r, 200));
      for (const sub of subs) expect(existsSync(sub), sub).to.equal(false);
    });

    it("moves committed frames into the database file and reports it", async () => {
      const path = join(dir, "raw.db");
      const db = new DatabaseSync(path);
      db.exec("PRAGMA journal_mode = WAL; CREATE TABLE t (x TEXT);");
      const checkpointer = startWalCheckpointer(db, path, { intervalMs: 10 });
      try {
        const next = checkpointer.nextCheckpoint();
        db.exec("INSERT INTO t VALUES ('a'), ('b')");
        const done = await next;
        expect(done.checkpointed).to.equal(done.log);
      } finally {
        checkpointer.stop();
        db.close();
      }
    });

    it("turns the writer's own checkpoints back on when the thread fails", async () => {
      const path = join(dir, "raw.db");
      const db = new DatabaseSync(path);
      db.exec("PRAGMA journal_mode = WAL;");
      const checkpointer = startWalCheckpointer(db, join(dir, "missing", "nope.db"));
      const threshold = () =>
        Number(Object.values(db.prepare("PRAGMA wal_autocheckpoint").get() as any)[0]);
      try {
        const until = Date.now() + 5000;
        while (threshold() !== 1000 && Date.now() < until)
          await new Promise((r) => setTimeout(r, 10));
        expect(threshold()).to.equal(1000);
      } finally {
        checkpointer.stop();
        db.close();
      }
    });

    it("leaves no read open after a best-match search, so a checkpoint can reset the WAL", () => {
      const path = join(dir, "book.db");
      const store = openMarketStore(path);
      try {
        for (let i = 0; i < 200; i++) add(store, OrderKind.App, appOrder(BigInt(1 + (i % 90))));
        for (let i = 0; i < 200; i++)
          add(store, OrderKind.Workerpool, poolOrder(1n + BigInt(i % 90), 1n));
        const combos = searchCombos(store, request(), 0n, 64, 4);
        expect(combos).to.have.length(4);
        const other = new DatabaseSync(path);
        const r = other.prepare("PRAGMA wal_checkpoint(TRUNCATE)").get() as any;
        other.close();
        expect(r.busy).to.equal(0);
      } finally {
        store.close();
      }
    });
  });
});
