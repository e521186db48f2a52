import type { Command } from "commander";
import { orderKindName } from "../../../core/index.js";
import type { AnyOrder, OrderKind } from "../../../core/index.js";
import type { OrderFilters } from "../../../sdk/market/types.js";
import { examples, handler } from "../../command.js";
import { polis, tags } from "../../format.js";
import type { CliIo } from "../../io.js";
import { parse } from "../../parse.js";

interface FilterFlags {
  app?: string;
  dataset?: string;
  workerpool?: string;
  requester?: string;
  strict?: boolean;
  category?: string;
  minTag?: string;
  maxTag?: string;
  minTrust?: string;
  maxTrust?: string;
  minVolume?: string;
  page?: string;
  pageSize?: string;
}

/** `polis orderbook <kind>`: one page of open orders of a kind. */
export function registerOrderbookList(
  group: Command,
  io: CliIo,
  kind: OrderKind,
  example: string,
): void {
  const name = orderKindName(kind);
  const cmd = group
    .command(name)
    .description(`list open ${name} orders`)
    .option("--app <address>", "orders for (or allowing) this app")
    .option("--dataset <address>", "orders for (or allowing) this dataset")
    .option("--workerpool <address>", "orders for (or allowing) this pool")
    .option("--requester <address>", "orders allowing (or from) this requester")
    .option("--strict", "exact restriction matches only (no open-to-anyone orders)")
    .option("--category <n>", "task category")
    .option("--min-tag <tags>", "orders offering at least these tags")
    .option("--max-tag <tags>", "orders requiring at most these tags")
    .option("--min-trust <n>", "minimum trust")
    .option("--max-trust <n>", "maximum trust")
    .option("--min-volume <n>", "minimum remaining volume")
    .option("--page <n>", "page number", "1")
    .option("--page-size <n>", "orders per page", "20")
    .action(
      handler(io, async (ctx, f: FilterFlags) => {
        const filters: OrderFilters = {
          app: parse.optionalAddress(f.app, "--app"),
          dataset: parse.optionalAddress(f.dataset, "--dataset"),
          workerpool: parse.optionalAddress(f.workerpool, "--workerpool"),
          requester: parse.optionalAddress(f.requester, "--requester"),
          strict: f.strict ? true : undefined,
          category: parse.optionalInteger(f.category, "--category"),
          minTag: parse.tag(f.minTag, "--min-tag"),
          maxTag: parse.tag(f.maxTag, "--max-tag"),
          minTrust: parse.optionalInteger(f.minTrust, "--min-trust"),
          maxTrust: parse.optionalInteger(f.maxTrust, "--max-trust"),
          minVolume: parse.optionalInteger(f.minVolume, "--min-volume"),
          page: Number(parse.integer(f.page ?? "1", "--page", 1n)),
          pageSize: Number(parse.integer(f.pageSize ?? "20", "--page-size", 1n)),
        };
        const market = await ctx.market();
        const page = await market.listOrders(kind, filters);
        ctx.out.result(page, () =>
          page.orders.length === 0
            ? `No open ${name} order matches.`
            : [
                `${page.total} ${name} order(s), page ${page.page}:`,
                ...page.orders.map(
                  (o) => `  ${o.orderHash}  ${describe(o.order)}  remaining ${o.remaining}`,
                ),
              ],
        );
      }),
    );
  examples(cmd, [example]);
}

function describe(order: AnyOrder): string {
  const o = order as unknown as Record<string, unknown>;
  const subject = (o.app ?? o.dataset ?? o.workerpool) as string;
  if ("appMaxPrice" in o) {
    return `app ${o.app} by ${o.requester}, tags ${tags(o.tag as string)}`;
  }
  return `${subject} ${polis(o.price as bigint)}/task, tags ${tags(o.tag as string)}`;
}
