import type { Command } from "commander";
import { orderKindName } from "../../../core/index.js";
import type { OrderKind } from "../../../core/index.js";
import { signOrder } from "../../../sdk/actions/orders/signOrder.js";
import { examples, handler } from "../../command.js";
import type { CliIo } from "../../io.js";
import { addOrderOptions, buildOrderFromFlags } from "./orderOptions.js";
import type { OrderFlags } from "./orderOptions.js";
import { writeOrderFile } from "./orderFiles.js";

/** `polis <app|dataset|workerpool> publish <asset>`: build, sign and publish an order. */
export function registerPublish(
  group: Command,
  io: CliIo,
  kind: OrderKind,
  example: string[],
): void {
  const name = orderKindName(kind);
  const cmd = group
    .command("publish")
    .description(`sign a ${name} order and publish it on the market`)
    .argument(`<${name}>`, `${name} address`)
    .option("--out <file>", "also save the signed order to a file");
  addOrderOptions(cmd, kind).action(
    handler(io, async (ctx, asset: string, opts: OrderFlags & { out?: string }) => {
      const client = await ctx.signerClient();
      const unsigned = await buildOrderFromFlags(client, kind, asset, opts);
      const { order, orderHash } = await signOrder(client, { kind, order: unsigned as never });
      if (opts.out) await writeOrderFile(opts.out, { kind, order }, client);
      const market = await ctx.market();
      await market.publishOrder(kind, order);
      ctx.out.result({ kind: name, orderHash, published: true, file: opts.out, order }, () => [
        `Published ${name} order ${orderHash}.`,
        ...(opts.out ? [`Saved to ${opts.out}.`] : []),
      ]);
    }),
  );
  examples(cmd, example);
}
