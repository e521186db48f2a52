import type { Command } from "commander";
import { orderKindName } from "../../../core/index.js";
import type { AnyOrder, OrderKind } from "../../../core/index.js";
import { getOrderStatus } from "../../../sdk/actions/orders/getOrderStatus.js";
import { examples, handler } from "../../command.js";
import { date } from "../../format.js";
import type { CliIo } from "../../io.js";
import { keyValues } from "../../output.js";
import { isHash, readOrderFile } from "../shared/orderFiles.js";

/** Registers `polis order show` on its parent command. */
export function registerOrderShow(group: Command, io: CliIo): void {
  const cmd = group
    .command("show")
    .description("show an order's status: consumed, remaining, expired, signature still valid")
    .argument("<file|hash>", "order file, or the hash of a published order")
    .action(
      handler(io, async (ctx, ref: string) => {
        let kind: OrderKind;
        let order: AnyOrder;
        let published = false;
        if (isHash(ref)) {
          const found = await (await ctx.market()).getOrder(ref.toLowerCase());
          kind = found.kind;
          order = found.order;
          published = true;
        } else {
          const doc = await readOrderFile(ref);
          kind = doc.kind;
          order = doc.order;
        }
        const status = await getOrderStatus(await ctx.client(), { kind, order: order as never });
        const name = orderKindName(kind);
        ctx.out.result({ kind: name, ...status, published: published || undefined, order }, () =>
          keyValues([
            ["order", `${name} ${status.orderHash}`],
            [
              "state",
              status.open
                ? "open"
                : status.closed
                  ? "closed (filled or cancelled)"
                  : status.expired
                    ? "expired"
                    : "not signed by the current owner",
            ],
            [
              "volume",
              `${status.consumed}/${status.volume} consumed, ${status.remaining} remaining`,
            ],
            ["expiry", `${date(status.expiry)}${status.expired ? " (expired)" : ""}`],
            ["owner", status.owner],
            [
              "signature",
              status.signatureValid
                ? status.presigned
                  ? "presigned by the owner"
                  : "valid"
                : "not valid for the current owner",
            ],
          ]),
        );
      }),
    );
  examples(cmd, ["polis order show app-order.json", "polis order show 0xOrderHash --json"]);
}
