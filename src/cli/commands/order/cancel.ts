import type { Command } from "commander";
import { orderKindName } from "../../../core/index.js";
import type { AnyOrder, OrderKind } from "../../../core/index.js";
import { cancelOrder } from "../../../sdk/actions/orders/cancelOrder.js";
import { examples, handler } from "../../command.js";
import type { CliIo } from "../../io.js";
import { isHash, readOrderFile } from "../shared/orderFiles.js";

/** Registers `polis order cancel` on its parent command. */
export function registerOrderCancel(group: Command, io: CliIo): void {
  const cmd = group
    .command("cancel")
    .description("close an order for good on-chain (owner only)")
    .argument("<file|hash>", "order file, or the hash of a published order")
    .action(
      handler(io, async (ctx, ref: string) => {
        let kind: OrderKind;
        let order: AnyOrder;
        if (isHash(ref)) {
          const found = await (await ctx.market()).getOrder(ref.toLowerCase());
          kind = found.kind;
          order = found.order;
        } else {
          const doc = await readOrderFile(ref);
          kind = doc.kind;
          order = doc.order;
        }
        const client = await ctx.signerClient();
        const result = await cancelOrder(client, { kind, order: order as never });
        ctx.out.result(
          { ...result, kind: orderKindName(kind) },
          () => `Cancelled ${orderKindName(kind)} order ${result.orderHash} (tx ${result.txHash}).`,
        );
      }),
    );
  examples(cmd, ["polis order cancel app-order.json", "polis order cancel 0xOrderHash"]);
}
