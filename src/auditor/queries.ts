import type { AuditorStore } from "./store.js";

/** A page of rows with the total count. */
export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

/** One event of a timeline, as the API returns it. */
export interface TimelineEvent {
  block: number;
  logIndex: number;
  transactionHash: string;
  timestamp: number | null;
  contract: string;
  name: string;
  args: Record<string, unknown>;
}

type Row = Record<string, unknown>;

const DEAL_FILTERS = ["requester", "app", "dataset", "workerpool"] as const;
/** Deal list filters (addresses). */
export type DealFilter = Partial<Record<(typeof DEAL_FILTERS)[number], string>>;

function camel(row: Row): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(row))
    out[k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = v;
  return out;
}

function dealRow(row: Row): Row {
  const { dealJson, ...rest } = camel(row);
  return { ...rest, deal: JSON.parse(String(dealJson)) };
}

/** Read side of the auditor index, used by the query API and the explorer. */
export function createQueries(store: AuditorStore) {
  const timeline = (subject: string, limit = 500): TimelineEvent[] =>
    store
      .all<Row>(
        `SELECT e.* FROM event_links l JOIN events e ON e.block = l.block AND e.log_index = l.log_index
         WHERE l.subject = ? ORDER BY e.block, e.log_index LIMIT ?`,
        subject,
        limit,
      )
      .map((e) => ({
        block: Number(e.block),
        logIndex: Number(e.log_index),
        transactionHash: String(e.tx_hash),
        timestamp: e.timestamp === null ? null : Number(e.timestamp),
        contract: String(e.contract),
        name: String(e.name),
        args: JSON.parse(String(e.args)),
      }));

  return {
    status() {
      const count = (t: string) =>
        Number(store.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`)?.n ?? 0);
      return {
        checkpoint: store.checkpoint() ?? null,
        events: count("events"),
        deals: count("deals"),
        tasks: count("tasks"),
        assets: count("assets"),
      };
    },

    /** Deals filtered by requester, app, dataset and/or workerpool, newest first. */
    deals(filter: DealFilter, page: number, pageSize: number): Page<Row> {
      const where: string[] = [];
      const params: string[] = [];
      for (const key of DEAL_FILTERS) {
        if (filter[key]) {
          where.push(`${key} = ?`);
          params.push(filter[key]!.toLowerCase());
        }
      }
      const clause = where.length ? `WHERE ${where.join(" AND ")}` : "";
      const total = Number(
        store.get<{ n: number }>(`SELECT COUNT(*) AS n FROM deals ${clause}`, ...params)?.n ?? 0,
      );
      const items = store
        .all<Row>(
          `SELECT * FROM deals ${clause} ORDER BY block DESC, deal_id LIMIT ? OFFSET ?`,
          ...params,
          pageSize,
          page * pageSize,
        )
        .map(dealRow);
      return { items, page, pageSize, total };
    },

    deal(dealId: string) {
      const row = store.get<Row>("SELECT * FROM deals WHERE deal_id = ?", dealId.toLowerCase());
      if (!row) return undefined;
      const tasks = store
        .all<Row>(
          "SELECT * FROM tasks WHERE deal_id = ? ORDER BY CAST(idx AS INTEGER)",
          dealId.toLowerCase(),
        )
        .map(camel);
      const names = store.all<Row>(
        "SELECT address, kind, name FROM assets WHERE address IN (?, ?, ?)",
        String(row.app),
        String(row.dataset),
        String(row.workerpool),
      );
      return {
        ...dealRow(row),
        tasks,
        assets: names.map(camel),
        timeline: timeline(dealId.toLowerCase()),
      };
    },

    task(taskId: string) {
      const row = store.get<Row>("SELECT * FROM tasks WHERE task_id = ?", taskId.toLowerCase());
      if (!row) return undefined;
      const deal = row.deal_id
        ? store.get<Row>("SELECT * FROM deals WHERE deal_id = ?", String(row.deal_id))
        : undefined;
      const contributions = store
        .all<Row>(
          "SELECT * FROM contributions WHERE task_id = ? ORDER BY block",
          taskId.toLowerCase(),
        )
        .map(camel);
      return {
        ...camel(row),
        deal: deal ? dealRow(deal) : null,
        contributions,
        timeline: timeline(taskId.toLowerCase()),
      };
    },

    asset(address: string) {
      const row = store.get<Row>("SELECT * FROM assets WHERE address = ?", address.toLowerCase());
      if (!row) return undefined;
      const column = row.kind === "app" ? "app" : row.kind === "dataset" ? "dataset" : "workerpool";
      const deals = Number(
        store.get<{ n: number }>(
          `SELECT COUNT(*) AS n FROM deals WHERE ${column} = ?`,
          address.toLowerCase(),
        )?.n ?? 0,
      );
      const grants =
        row.kind === "dataset"
          ? store
              .all<Row>("SELECT * FROM grants WHERE dataset = ?", address.toLowerCase())
              .map(camel)
          : [];
      return { ...camel(row), deals, grants, timeline: timeline(address.toLowerCase()) };
    },

    /** Every use of a dataset: its deals grouped by app, with task outcomes. */
    datasetUsage(dataset: string) {
      const d = dataset.toLowerCase();
      const byApp = store
        .all<Row>(
          `SELECT d.app AS app, a.name AS app_name, COUNT(*) AS deals, SUM(d.bot_size) AS tasks,
                  (SELECT COUNT(*) FROM tasks t JOIN deals x ON t.deal_id = x.deal_id
                    WHERE x.dataset = d.dataset AND x.app = d.app AND t.status = 'Completed') AS completed,
                  MIN(d.block) AS first_block, MAX(d.block) AS last_block
           FROM deals d LEFT JOIN assets a ON a.address = d.app
           WHERE d.dataset = ? GROUP BY d.app ORDER BY deals DESC`,
          d,
        )
        .map(camel);
      const uses = store
        .all<Row>(
          `SELECT d.deal_id, d.app, a.name AS app_name, d.requester, d.beneficiary, d.bot_size,
                  d.dataset_price, d.block, d.timestamp, d.tx_hash
           FROM deals d LEFT JOIN assets a ON a.address = d.app
           WHERE d.dataset = ? ORDER BY d.block DESC LIMIT 1000`,
          d,
        )
        .map(camel);
      return { dataset: d, byApp, uses };
    },

    /** Value moved to or from an address (default: payments received, i.e. Rewarded). */
    movements(address: string, kinds: string[], page: number, pageSize: number): Page<Row> {
      const marks = kinds.map(() => "?").join(",");
      const params = [address.toLowerCase(), ...kinds];
      const total = Number(
        store.get<{ n: number }>(
          `SELECT COUNT(*) AS n FROM movements WHERE account = ? AND kind IN (${marks})`,
          ...params,
        )?.n ?? 0,
      );
      const items = store
        .all<Row>(
          `SELECT * FROM movements WHERE account = ? AND kind IN (${marks}) ORDER BY block DESC, log_index DESC LIMIT ? OFFSET ?`,
          ...params,
          pageSize,
          page * pageSize,
        )
        .map(camel);
      return { items, page, pageSize, total };
    },

    account(address: string) {
      const a = address.toLowerCase();
      const balance = store.get<Row>("SELECT stake, locked FROM accounts WHERE address = ?", a);
      const assets = store
        .all<Row>("SELECT address, kind, name FROM assets WHERE owner = ?", a)
        .map(camel);
      const received = store.get<{ n: number }>(
        "SELECT COUNT(*) AS n FROM movements WHERE account = ? AND kind = 'Rewarded'",
        a,
      );
      const score = store.get<Row>("SELECT score FROM worker_scores WHERE worker = ?", a);
      return {
        address: a,
        stake: balance?.stake ?? "0",
        locked: balance?.locked ?? "0",
        assets,
        payments: Number(received?.n ?? 0),
        workerScore: score?.score ?? null,
        dealsAsRequester: Number(
          store.get<{ n: number }>("SELECT COUNT(*) AS n FROM deals WHERE requester = ?", a)?.n ??
            0,
        ),
        timeline: timeline(a, 200),
      };
    },

    /** What a deal id, task id, order hash or address refers to. */
    search(q: string): { type: string; id: string; dealIds?: string[] } {
      const id = q.toLowerCase();
      if (id.length === 66) {
        if (store.get("SELECT 1 AS x FROM deals WHERE deal_id = ?", id))
          return { type: "deal", id };
        if (store.get("SELECT 1 AS x FROM tasks WHERE task_id = ?", id))
          return { type: "task", id };
        const deals = store
          .all<{ deal_id: string }>(
            `SELECT deal_id FROM deals WHERE app_order_hash = ? OR dataset_order_hash = ? OR workerpool_order_hash = ? OR request_order_hash = ?`,
            id,
            id,
            id,
            id,
          )
          .map((r) => r.deal_id);
        if (deals.length > 0 || store.get("SELECT 1 AS x FROM orders WHERE order_hash = ?", id)) {
          return { type: "order", id, dealIds: deals };
        }
        return { type: "none", id };
      }
      if (store.get("SELECT 1 AS x FROM assets WHERE address = ?", id))
        return { type: "asset", id };
      if (store.get("SELECT 1 AS x FROM event_links WHERE subject = ? LIMIT 1", id))
        return { type: "address", id };
      return { type: "none", id };
    },

    order(orderHash: string) {
      const h = orderHash.toLowerCase();
      const deals = store
        .all<Row>(
          `SELECT * FROM deals WHERE app_order_hash = ? OR dataset_order_hash = ? OR workerpool_order_hash = ? OR request_order_hash = ? ORDER BY block`,
          h,
          h,
          h,
          h,
        )
        .map(dealRow);
      const row = store.get<Row>("SELECT * FROM orders WHERE order_hash = ?", h);
      return { orderHash: h, status: row ? camel(row) : null, deals, timeline: timeline(h) };
    },
  };
}

/** The read functions of createQueries. */
export type AuditorQueries = ReturnType<typeof createQueries>;
