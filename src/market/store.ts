import { DatabaseSync } from "node:sqlite";
import { ORDER_KIND_NAMES, ORDER_TYPES, OrderKind, orderToJson } from "../core/index.js";
import type { AnyOrder, OrderByKind } from "../core/index.js";
import { columnsOf, tagHi, tagLo, uintKey } from "./orderColumns.js";
import { ORDER_INDEXES, RETIRED_INDEXES, addressEquals } from "./orderIndexes.js";
import type { BookEntry } from "./types.js";
import { startWalCheckpointer } from "./walCheckpointer.js";
import { statementCache } from "../core/statementCache.js";

/** A WHERE clause with its positional parameters (never interpolated values). */
export interface SqlFilter {
  where: string[];
  params: (string | number)[];
}

/** Sorted query results read on demand (best match usually needs only the first few rows). */
export interface LazyEntries {
  /** The i-th entry, or undefined past the end. */
  at(i: number): BookEntry | undefined;
  /**
   * Ends the read. Call it when done: an unfinished statement keeps a read transaction open,
   * which pins the WAL (checkpoints cannot reset it, so it grows and every read gets slower).
   */
  close(): void;
}

/** Everything the market persists: the open orders and the sync checkpoint. */
export interface MarketStore {
  readonly db: DatabaseSync;
  /** Inserts an order; returns false when the hash is already in the book. */
  insert(entry: BookEntry): boolean;
  /**
   * Queues an insert; inserts queued in the same event-loop turn are committed in one transaction
   * (group commit: one WAL append instead of one per order). Counted by countBySigner at once.
   */
  insertQueued(entry: BookEntry): Promise<boolean>;
  get(orderHash: string): BookEntry | undefined;
  remove(orderHash: string): BookEntry | undefined;
  setRemaining(orderHash: string, remaining: bigint): void;
  list(kind: OrderKind, filter: SqlFilter, offset: number, limit: number): BookEntry[];
  count(kind: OrderKind, filter: SqlFilter): number;
  /** Raw filtered query used by best match. */
  select(kind: OrderKind, filter: SqlFilter, limit: number): BookEntry[];
  /** The same query read lazily: rows are fetched and decoded only when `at(i)` reaches them. */
  selectLazy(kind: OrderKind, filter: SqlFilter, limit: number): LazyEntries;
  countBySigner(signer: string): number;
  bySigner(signer: string): BookEntry[];
  byAsset(kind: OrderKind, asset: string): BookEntry[];
  expiredAt(timestamp: bigint): BookEntry[];
  openCount(): Record<string, number>;
  checkpoint(): number | undefined;
  setCheckpoint(block: number): void;
  /** Runs `fn` in one transaction (committed if it returns, rolled back if it throws). */
  transaction<T>(fn: () => T): T;
  close(): void;
}

const MAX_EXPIRY = Number.MAX_SAFE_INTEGER;

/** uint256 fields per kind, to decode stored orders without re-validating them. */
const UINT_FIELDS: Record<OrderKind, string[]> = Object.fromEntries(
  ([OrderKind.App, OrderKind.Dataset, OrderKind.Workerpool, OrderKind.Request] as const).map(
    (k) => [
      k,
      Object.values(ORDER_TYPES[k])[0]
        .filter((f) => f.type === "uint256")
        .map((f) => f.name),
    ],
  ),
) as Record<OrderKind, string[]>;

/** Stored orders were validated at publish: decoding only restores the bigints. */
function decodeStored<K extends OrderKind>(kind: K, json: string): OrderByKind[K] {
  const o = JSON.parse(json) as Record<string, unknown>;
  for (const f of UINT_FIELDS[kind]) o[f] = BigInt(o[f] as string);
  return o as unknown as OrderByKind[K];
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS orders (
  order_hash TEXT PRIMARY KEY,
  kind INTEGER NOT NULL,
  app TEXT NOT NULL,
  dataset TEXT NOT NULL,
  workerpool TEXT NOT NULL,
  requester TEXT NOT NULL,
  signer TEXT NOT NULL,
  price_key TEXT NOT NULL,
  tag TEXT NOT NULL,
  tag_lo INTEGER NOT NULL,
  tag_hi TEXT NOT NULL,
  category_key TEXT NOT NULL,
  trust_key TEXT NOT NULL,
  remaining TEXT NOT NULL,
  remaining_key TEXT NOT NULL,
  expiry INTEGER NOT NULL,
  published_at INTEGER NOT NULL,
  order_json TEXT NOT NULL
) STRICT;
${ORDER_INDEXES}
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
`;

const ORDER_BY = "ORDER BY price_key, published_at, order_hash";

/**
 * Opens (or creates) the order book database. WAL journal, parameterized statements only; for a
 * file, WAL checkpoints run on a thread of their own (see walCheckpointer.ts).
 * @param path A file path, or ":memory:" (default).
 */
export function openMarketStore(path = ":memory:"): MarketStore {
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;");
  const checkpointer =
    path === ":memory:" || path === "" ? undefined : startWalCheckpointer(db, path);
  db.function("hi_subset", { deterministic: true }, (a, b) =>
    (BigInt(`0x${String(a)}`) & ~BigInt(`0x${String(b)}`)) === 0n ? 1 : 0,
  );
  db.exec(SCHEMA);
  for (const name of RETIRED_INDEXES) db.exec(`DROP INDEX IF EXISTS ${name}`);

  const prepare = statementCache(db);
  const toEntry = (row: Record<string, unknown>): BookEntry => {
    const kind = Number(row.kind) as OrderKind;
    return {
      kind,
      orderHash: String(row.order_hash),
      order: decodeStored(kind, String(row.order_json)),
      remaining: BigInt(String(row.remaining)),
      signer: String(row.signer),
      publishedAt: Number(row.published_at),
    };
  };
  const whereOf = (kind: OrderKind, filter: SqlFilter) => ({
    sql: ["kind = ?", ...filter.where].join(" AND "),
    params: [kind, ...filter.params],
  });
  let depth = 0;
  // Open orders per signer, kept in memory (this process is the only writer): a COUNT(*) over a
  // wallet with many orders would otherwise cost a scan on every publish.
  const signerCounts = new Map<string, number>();
  const bySignerCount = (signer: string) => {
    let n = signerCounts.get(signer);
    if (n === undefined) {
      const row = prepare("SELECT COUNT(*) AS n FROM orders WHERE signer = ?").get(signer);
      n = Number(row?.n ?? 0);
      signerCounts.set(signer, n);
    }
    return n;
  };

  const queue: { entry: BookEntry; resolve: (v: boolean) => void; reject: (e: unknown) => void }[] =
    [];
  const queuedBySigner = new Map<string, number>();
  const flushQueue = () => {
    const batch = queue.splice(0);
    queuedBySigner.clear();
    try {
      const results = store.transaction(() => batch.map((b) => store.insert(b.entry)));
      batch.forEach((b, i) => b.resolve(results[i]));
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
  };

  const store: MarketStore = {
    db,
    insert(entry) {
      const c = columnsOf(entry.kind, entry.order as AnyOrder);
      const result = prepare(
        `INSERT OR IGNORE INTO orders VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
      ).run(
        entry.orderHash,
        entry.kind,
        c.app,
        c.dataset,
        c.workerpool,
        c.requester,
        entry.signer.toLowerCase(),
        uintKey(c.price),
        c.tag,
        tagLo(c.tag),
        tagHi(c.tag),
        uintKey(c.category),
        uintKey(c.trust),
        entry.remaining.toString(),
        uintKey(entry.remaining),
        c.expiry > BigInt(MAX_EXPIRY) ? MAX_EXPIRY : Number(c.expiry),
        entry.publishedAt,
        JSON.stringify(orderToJson(entry.kind, entry.order)),
      );
      const inserted = Number(result.changes) === 1;
      if (inserted) {
        const signer = entry.signer.toLowerCase();
        signerCounts.set(signer, bySignerCount(signer) + 1);
      }
      return inserted;
    },
    insertQueued(entry) {
      return new Promise((resolve, reject) => {
        if (queue.length === 0) setImmediate(flushQueue);
        queue.push({ entry, resolve, reject });
        const signer = entry.signer.toLowerCase();
        queuedBySigner.set(signer, (queuedBySigner.get(signer) ?? 0) + 1);
      });
    },
    get(orderHash) {
      const row = prepare("SELECT * FROM orders WHERE order_hash = ?").get(orderHash.toLowerCase());
      return row ? toEntry(row) : undefined;
    },
    remove(orderHash) {
      const entry = store.get(orderHash);
      if (entry) {
        prepare("DELETE FROM orders WHERE order_hash = ?").run(entry.orderHash);
        signerCounts.set(entry.signer, bySignerCount(entry.signer) - 1);
      }
      return entry;
    },
    setRemaining(orderHash, remaining) {
      prepare("UPDATE orders SET remaining = ?, remaining_key = ? WHERE order_hash = ?").run(
        remaining.toString(),
        uintKey(remaining),
        orderHash,
      );
    },
    list(kind, filter, offset, limit) {
      const w = whereOf(kind, filter);
      return prepare(`SELECT * FROM orders WHERE ${w.sql} ${ORDER_BY} LIMIT ? OFFSET ?`)
        .all(...w.params, limit, offset)
        .map(toEntry);
    },
    count(kind, filter) {
      const w = whereOf(kind, filter);
      const row = prepare(`SELECT COUNT(*) AS n FROM orders WHERE ${w.sql}`).get(...w.params);
      return Number(row?.n ?? 0);
    },
    select(kind, filter, limit) {
      const w = whereOf(kind, filter);
      return prepare(`SELECT * FROM orders WHERE ${w.sql} ${ORDER_BY} LIMIT ?`)
        .all(...w.params, limit)
        .map(toEntry);
    },
    selectLazy(kind, filter, limit) {
      const w = whereOf(kind, filter);
      const rows = prepare(`SELECT * FROM orders WHERE ${w.sql} ${ORDER_BY} LIMIT ?`).iterate(
        ...w.params,
        limit,
      );
      const items: BookEntry[] = [];
      let done = false;
      return {
        at(i) {
          while (!done && items.length <= i) {
            const next = rows.next();
            if (next.done) done = true;
            else items.push(toEntry(next.value as Record<string, unknown>));
          }
          return items[i];
        },
        close() {
          if (!done) rows.return?.();
          done = true;
        },
      };
    },
    countBySigner(signer) {
      const s = signer.toLowerCase();
      return bySignerCount(s) + (queuedBySigner.get(s) ?? 0);
    },
    bySigner(signer) {
      return prepare("SELECT * FROM orders WHERE signer = ?")
        .all(signer.toLowerCase())
        .map(toEntry);
    },
    byAsset(kind, asset) {
      const column =
        kind === OrderKind.App ? "app" : kind === OrderKind.Dataset ? "dataset" : "workerpool";
      const where = ["kind = ?"];
      const params: (string | number)[] = [kind];
      addressEquals(where, params, column, asset.toLowerCase());
      return prepare(`SELECT * FROM orders WHERE ${where.join(" AND ")}`)
        .all(...params)
        .map(toEntry);
    },
    expiredAt(timestamp) {
      const t = timestamp > BigInt(MAX_EXPIRY) ? MAX_EXPIRY : Number(timestamp);
      return prepare("SELECT * FROM orders WHERE expiry <= ?").all(t).map(toEntry);
    },
    openCount() {
      const out: Record<string, number> = { app: 0, dataset: 0, workerpool: 0, request: 0 };
      for (const row of prepare("SELECT kind, COUNT(*) AS n FROM orders GROUP BY kind").all()) {
        out[ORDER_KIND_NAMES[Number(row.kind) as OrderKind]] = Number(row.n);
      }
      return out;
    },
    checkpoint() {
      const row = prepare("SELECT value FROM meta WHERE key = 'checkpoint'").get();
      return row ? Number(row.value) : undefined;
    },
    setCheckpoint(block) {
      prepare(
        "INSERT INTO meta (key, value) VALUES ('checkpoint', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      ).run(String(block));
    },
    transaction(fn) {
      if (depth > 0) return fn();
      db.exec("BEGIN IMMEDIATE");
      depth++;
      try {
        const out = fn();
        db.exec("COMMIT");
        return out;
      } catch (err) {
        db.exec("ROLLBACK");
        signerCounts.clear(); // counts may include rolled-back changes
        throw err;
      } finally {
        depth--;
      }
    },
    close() {
      // The checkpointer's connection closes first; this one, closing last, checkpoints and
      // removes the WAL before close() returns, so the files are settled when it does.
      checkpointer?.stop();
      db.close();
    },
  };
  return store;
}
