import { ZeroAddress } from "ethers";
import type { Wallet } from "ethers";
import { toDeal } from "../../core/deal.js";
import type { PolisClient } from "../../sdk/client.js";
import { getDataset } from "../../sdk/actions/assets/getDataset.js";
import { workerHooks, type EnclaveHost } from "../../enclave/enclaveHost.js";
import type { Assignment } from "../../pool/protocol.js";
import type { ExecutionContext, ExecutionOutcome, TaskExecutor } from "../executor.js";
import type { AppBundles } from "./appBundles.js";

export interface TeeExecutorInit {
  client: PolisClient;
  wallet: Wallet;
  host: EnclaveHost;
  bundles: AppBundles;
  smsUrl: string;
}

/**
 * Runs TEE tasks in the worker's enclave host: the host attests to the SMS, receives the secrets,
 * runs the app and returns the encrypted result, the signed receipt and the proofs the chain
 * checks. The worker sees none of the secrets.
 */
export function createTeeExecutor(init: TeeExecutorInit): TaskExecutor {
  return {
    async execute(a: Assignment, ctx: ExecutionContext): Promise<ExecutionOutcome> {
      const deal = toDeal(a.deal);
      const app = await init.bundles.resolve(deal.app);
      let dataset: { url: string; checksum: string } | undefined;
      if (deal.dataset !== ZeroAddress) {
        const d = await getDataset(init.client, { dataset: deal.dataset });
        dataset = { url: d.uri, checksum: d.checksum };
      }
      const out = await init.host.runTask(
        {
          chainId: init.client.chainId,
          taskManager: init.client.deployment.taskManager,
          dealId: a.dealId,
          deal,
          taskIndex: BigInt(a.index),
          params: a.params,
          worker: ctx.worker,
          smsUrl: init.smsUrl,
          app,
          dataset,
        },
        workerHooks(init.wallet, ctx.authorize),
      );
      return {
        resultDigest: out.resultDigest,
        blob: Buffer.from(out.encryptedResult).toString("base64"),
        receipt: { receipt: out.receipt, signature: out.receiptSignature, quote: out.quote },
        receiptHash: out.receiptHash,
        callbackData: out.callbackData,
        enclave: out.enclave,
        enclaveSignature: out.enclaveSignature,
        attestation: out.attestation,
        timings: { ...out.timings },
      };
    },
  };
}
