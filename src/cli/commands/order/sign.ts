import type { Command } from "commander";
import { orderKindName } from "../../../core/index.js";
import { presignOrder } from "../../../sdk/actions/orders/presignOrder.js";
import { signOrder } from "../../../sdk/actions/orders/signOrder.js";
import { examples, handler } from "../../command.js";
import type { CliIo } from "../../io.js";
import { readOrderFile, writeOrderFile } from "../shared/orderFiles.js";

/** Registers `polis order sign` on its parent command. */
export function registerOrderSign(group: Command, io: CliIo): void {
  const cmd = group
    .command("sign")
    .description("sign an order file with the wallet (EIP-712), writing the signed order")
    .argument("<file>", "order file (from `order init`)")
    .option("--out <file>", "write the signed order here (default: in place)")
    .option("--presign", "presign on-chain instead (one transaction, empty signature)")
    .action(
      handler(io, async (ctx, file: string, opts: { out?: string; presign?: boolean }) => {
        const doc = await readOrderFile(file);
        const client = await ctx.signerClient();
        const out = opts.out ?? file;
        let orderHash: string;
        let order = doc.order;
        let txHash: string | undefined;
        if (opts.presign) {
          const result = await presignOrder(client, {
            kind: doc.kind,
            order: { ...doc.order, signature: "0x" } as never,
          });
          orderHash = result.orderHash;
          order = { ...doc.order, signature: "0x" };
          txHash = result.txHash;
        } else {
          const result = await signOrder(client, { kind: doc.kind, order: doc.order as never });
          orderHash = result.orderHash;
          order = result.order;
        }
        await writeOrderFile(out, { kind: doc.kind, order }, client);
        const name = orderKindName(doc.kind);
        ctx.out.result(
          { file: out, kind: name, orderHash, presigned: opts.presign === true, txHash, order },
          () => [
            `${opts.presign ? "Presigned" : "Signed"} ${name} order ${orderHash} -> ${out}.`,
            name === "request"
              ? "Next: `polis run` with it, or `polis order publish`."
              : `Next: \`polis order publish ${out}\`.`,
          ],
        );
      }),
    );
  examples(cmd, [
    "polis order sign app-order.json",
    "polis order sign pool-order.json --out signed.json --presign",
  ]);
}
