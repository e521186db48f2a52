import type { Command } from "commander";
import { OrderKind } from "../../../core/index.js";
import type { CliIo } from "../../io.js";
import { registerOrderbookList } from "./list.js";

/** Registers the `polis orderbook` command group and its subcommands. */
export function registerOrderbook(program: Command, io: CliIo): void {
  const group = program
    .command("orderbook")
    .description("browse the market's open orders with PoCo's filters");
  registerOrderbookList(group, io, OrderKind.App, "polis orderbook app --app 0xApp --min-tag tee");
  registerOrderbookList(
    group,
    io,
    OrderKind.Dataset,
    "polis orderbook dataset --dataset 0xDataset --app 0xApp",
  );
  registerOrderbookList(
    group,
    io,
    OrderKind.Workerpool,
    "polis orderbook workerpool --category 0 --min-trust 1 --min-tag tee --requester 0xMe",
  );
  registerOrderbookList(
    group,
    io,
    OrderKind.Request,
    "polis orderbook request --app 0xApp --page 2",
  );
}
