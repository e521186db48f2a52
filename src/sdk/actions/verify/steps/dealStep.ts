import { keccak256, toUtf8Bytes } from "ethers";
import { dealHash } from "../../../../core/index.js";
import { getDeal } from "../../deals/getDeal.js";
import type { VerifyStep } from "../types.js";

/** The deal in DealCreated hashes to what the hub stores, and its params to paramsHash. */
export const dealStep: VerifyStep = {
  id: "deal",
  title: "Deal matches the hash stored by the hub",
  dependsOn: ["task"],
  async run(ctx) {
    const info = await getDeal(ctx.client, { dealId: ctx.task!.dealId });
    ctx.deal = info;
    const paramsHash = keccak256(toUtf8Bytes(info.params));
    if (paramsHash !== info.deal.paramsHash) {
      return {
        status: "fail",
        detail: `The request params in DealCreated hash to ${paramsHash}, not the deal's ${info.deal.paramsHash}.`,
      };
    }
    return {
      status: "pass",
      detail: `Deal ${info.dealId} (block ${info.blockNumber}) hashes to the stored ${dealHash(info.deal).slice(0, 18)}…; app ${info.deal.app}, pool ${info.deal.workerpool}, requester ${info.deal.requester}.`,
      data: { dealHash: dealHash(info.deal), app: info.deal.app, workerpool: info.deal.workerpool },
    };
  },
};
