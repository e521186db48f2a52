import type { Command } from "commander";
import { orderKindName } from "../../../core/index.js";
import type { AnyOrder, OrderKind } from "../../../core/index.js";
import { UserError } from "../../../core/errors/index.js";
import { cancelOrder } from "../../../sdk/actions/orders/cancelOrder.js";
import { examples, handler } from "../../command.js";
import type { CliIo } from "../../io.js";
import { parse } from "../../parse.js";
import { readOrderFile } from "./orderFiles.js";

interface UnpublishFlags {
  order?: string;
  file?: string;
  all?: boolean;
}

/**
 * `polis <app|dataset|workerpool> unpublish <asset>`: cancels orders on-chain, which closes them
 * for good; the market drops cancelled orders.
 */
export function registerUnpublish(
  group: Command,
  io: CliIo,
  kind: OrderKind,
  example: string[],
): void {
  const name = orderKindName(kind);
  const cmd = group
    .command("unpublish")
    .description(`cancel ${name} orders on-chain (the market drops them)`)
    .argument(`<${name}>`, `${name} address`)
    .option("--order <hash>", "the published order to cancel (fetched from the market)")
    .option("--file <file>", "a signed order file to cancel")
    .option("--all", "cancel every order of this asset you published on the market")
    .action(
      handler(io, async (ctx, asset: string, opts: UnpublishFlags) => {
        const address = parse.address(asset, name);
        if (!opts.order && !opts.file && !opts.all) {
          throw new UserError("Say which orders to cancel.", {
            hint: "Pass --order <hash>, --file <file> or --all.",
          });
        }
        const client = await ctx.signerClient();
        const me = await client.signer!.getAddress();
        const orders: AnyOrder[] = [];
        if (opts.file) orders.push((await readOrderFile(opts.file)).order);
        if (opts.order) {
          const market = await ctx.market();
          orders.push((await market.getOrder(parse.bytes32(opts.order, "--order"))).order);
        }
        if (opts.all) {
          const market = await ctx.market();
          const page = await market.listOrders(kind, { [name]: address, pageSize: 1000 });
          for (const o of page.orders) {
            if (o.signer.toLowerCase() === me.toLowerCase() || o.signer === "")
              orders.push(o.order);
          }
        }
        const progress = ctx.out.progress(`Cancelling ${name} orders`);
        const cancelled: string[] = [];
        for (const order of orders) {
          const result = await cancelOrder(client, { kind, order: order as never });
          cancelled.push(result.orderHash);
          progress.update(cancelled.length, orders.length);
        }
        progress.done();
        ctx.out.result({ kind: name, cancelled }, () =>
          cancelled.length
            ? cancelled.map((h) => `Cancelled ${name} order ${h}.`)
            : `No ${name} order to cancel.`,
        );
      }),
    );
  examples(cmd, example);
}
