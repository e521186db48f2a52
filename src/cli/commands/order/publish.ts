import type { Command } from "commander";
import { orderKindName } from "../../../core/index.js";
import { UserError } from "../../../core/errors/index.js";
import { getOrderStatus } from "../../../sdk/actions/orders/getOrderStatus.js";
import { examples, handler } from "../../command.js";
import type { CliIo } from "../../io.js";
import { readOrderFile } from "../shared/orderFiles.js";

/** Registers `polis order publish` on its parent command. */
export function registerOrderPublish(group: Command, io: CliIo): void {
  const cmd = group
    .command("publish")
    .description("publish a signed order file on the market")
    .argument("<file>", "signed order file")
    .action(
      handler(io, async (ctx, file: string) => {
        const doc = await readOrderFile(file);
        const client = await ctx.client();
        const status = await getOrderStatus(client, { kind: doc.kind, order: doc.order as never });
        if (!status.signatureValid) {
          throw new UserError(
            `The order in ${file} is not signed by its current owner ${status.owner}.`,
            {
              hint: `Sign it first: \`polis order sign ${file}\`.`,
            },
          );
        }
        if (status.expired) throw new UserError(`The order in ${file} has expired.`);
        if (status.closed) throw new UserError(`The order in ${file} is filled or cancelled.`);
        const market = await ctx.market();
        const { orderHash } = await market.publishOrder(doc.kind, doc.order);
        ctx.out.result(
          { file, kind: orderKindName(doc.kind), orderHash, published: true },
          () => `Published ${orderKindName(doc.kind)} order ${orderHash} on ${market.url}.`,
        );
      }),
    );
  examples(cmd, ["polis order publish app-order.json"]);
}
