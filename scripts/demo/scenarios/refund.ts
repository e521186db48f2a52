import { formatEther } from "ethers";
import { claimTask } from "../../../src/sdk/actions/tasks/claimTask.js";
import { getDealTasks } from "../../../src/sdk/actions/deals/getDealTasks.js";
import { chainTime } from "../../../src/sdk/actions/orders/defaults.js";
import { as } from "../context.js";
import type { DemoContext } from "../context.js";
import type { EHealthReport } from "./eHealth.js";

export interface RefundReport {
  claimed: boolean;
  refunded: bigint;
  /** The pool's stake for the task, seized into the kitty. */
  seized: bigint;
}

/**
 * Epilogue of the e-Health refusal: the refused task can never complete, so after its final
 * deadline the broker claims it and gets its escrow back, and the pool's stake for it goes to the
 * kitty. On a dev chain the demo advances the chain's clock past the deadline (the other deals
 * are all finished by now); elsewhere it says when the claim becomes possible.
 */
export async function claimRefusedTask(
  ctx: DemoContext,
  ungranted: EHealthReport["ungranted"],
): Promise<RefundReport> {
  const { ui } = ctx;
  const provider = ctx.stack.chain.provider;
  const { finalDeadline } = await getDealTasks(ctx.client, { dealId: ungranted.dealId });
  const wait = finalDeadline - (await chainTime(ctx.client)) + 1n;
  const advanced = await provider.send("evm_increaseTime", [Number(wait)]).then(
    async () => {
      await provider.send("evm_mine", []);
      return true;
    },
    () => false,
  );
  if (!advanced) {
    ui.detail(
      `the broker can claim its refund after ${new Date(Number(finalDeadline) * 1000).toISOString()}`,
    );
    return { claimed: false, refunded: 0n, seized: 0n };
  }
  ui.step(
    `The dev chain's clock moves ${Math.round(Number(wait) / 60)} min ahead, past the refused task's final deadline; the broker claims it`,
  );
  const [before] = await ctx.client.hub.accountOf(ctx.roles.broker.address);
  const kittyBefore = await ctx.client.hub.kitty();
  await claimTask(as(ctx, ctx.roles.broker), {
    taskId: ungranted.taskId,
    dealId: ungranted.dealId,
  });
  const [after] = await ctx.client.hub.accountOf(ctx.roles.broker.address);
  const seized = (await ctx.client.hub.kitty()) - kittyBefore;
  ui.ok(
    `task FAILED on-chain: ${formatEther(after - before)} POLIS back to the broker, the pool's ` +
      `${formatEther(seized)} POLIS stake seized into the kitty`,
  );
  return { claimed: true, refunded: after - before, seized };
}
