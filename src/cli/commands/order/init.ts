import type { Command } from "commander";
import { orderKindFromName, orderKindName } from "../../../core/index.js";
import { OrderKind } from "../../../core/index.js";
import { examples, handler } from "../../command.js";
import type { CliIo } from "../../io.js";
import { addAllOrderOptions, buildOrderFromFlags } from "../shared/orderOptions.js";
import type { OrderFlags } from "../shared/orderOptions.js";
import { writeOrderFile } from "../shared/orderFiles.js";

/** Registers `polis order init` on its parent command. */
export function registerOrderInit(group: Command, io: CliIo): void {
  const cmd = group
    .command("init")
    .description("write an unsigned order with sensible defaults (edit it, then `order sign`)")
    .argument("<kind>", "app, dataset, workerpool or request")
    .argument("<address>", "the asset (for a request: the app)")
    .requiredOption("--out <file>", "where to write the order");
  // Every kind's flags; the ones that do not apply to <kind> are ignored.
  addAllOrderOptions(cmd);
  cmd.action(
    handler(
      io,
      async (ctx, kindName: string, address: string, opts: OrderFlags & { out: string }) => {
        const kind = orderKindFromName(kindName);
        const client =
          kind === OrderKind.Request && !opts.requester
            ? await ctx.signerClient()
            : await ctx.client();
        const order = await buildOrderFromFlags(client, kind, address, opts);
        const doc = await writeOrderFile(opts.out, { kind, order }, client);
        ctx.out.result(
          { file: opts.out, kind: orderKindName(kind), orderHash: doc.orderHash, order },
          () => [
            `Wrote an unsigned ${orderKindName(kind)} order to ${opts.out}.`,
            `Next: \`polis order sign ${opts.out}\`.`,
          ],
        );
      },
    ),
  );
  examples(cmd, [
    "polis order init app 0xApp --price 1 --volume 10 --tag tee --out app-order.json",
    "polis order init workerpool 0xPool --price 5 --category 0 --trust 1 --out pool-order.json",
    "polis order init request 0xApp --app-max-price 1 --workerpool-max-price 5 --out request.json",
  ]);
}
