import { ZeroAddress, ZeroHash } from "ethers";
import { BaseError } from "../../../../core/errors/index.js";
import { read } from "../../../internal/send.js";
import { getReceipt } from "../../results/getReceipt.js";
import { receiptMismatches } from "../../../../core/receipt.js";
import type { VerifyStep } from "../types.js";

/**
 * The usage receipt served next to the result hashes to the on-chain receiptHash, is signed by
 * the enclave (EIP-191), and describes this task, deal, app, measurement and result.
 */
export const receiptStep: VerifyStep = {
  id: "receipt",
  title: "Usage receipt",
  dependsOn: ["proof"],
  async run(ctx) {
    const task = ctx.task!;
    const c = task.completion!;
    const deal = ctx.deal!.deal;
    if (c.receiptHash === ZeroHash)
      return { status: "skip", detail: "No receipt was committed (not a TEE result)." };
    if (!c.resultUrl)
      return { status: "skip", detail: "No result store URL to fetch the receipt from." };
    let fetched;
    try {
      fetched = await getReceipt({
        resultUrl: c.resultUrl,
        taskId: ctx.taskId,
        receiptHash: c.receiptHash,
        timeoutMs: ctx.timeoutMs,
      });
    } catch (error) {
      if (error instanceof BaseError) {
        return { status: "skip", detail: `The receipt is not available: ${error.shortMessage}` };
      }
      throw error;
    }
    ctx.receipt = fetched;
    if (fetched.hash !== c.receiptHash) {
      return {
        status: "fail",
        detail: `The receipt hashes to ${fetched.hash}, not the on-chain ${c.receiptHash}.`,
      };
    }
    if (fetched.signer?.toLowerCase() !== c.enclave.toLowerCase()) {
      return {
        status: "fail",
        detail: `The receipt is signed by ${fetched.signer ?? "nobody"}, not by the enclave ${c.enclave}.`,
      };
    }
    const r = fetched.receipt;
    const checksum =
      deal.dataset === ZeroAddress
        ? null
        : await read(() => ctx.client.datasetRegistry.datasetChecksum(deal.dataset));
    const wrong = receiptMismatches(r, {
      chainId: ctx.client.chainId,
      taskManager: ctx.client.deployment.taskManager,
      dealId: task.dealId,
      taskId: ctx.taskId,
      app: deal.app,
      mrenclave: deal.mrenclave,
      datasetChecksum: checksum,
      resultDigest: c.resultDigest,
      enclave: c.enclave,
    });
    if (wrong.length) {
      return {
        status: "fail",
        detail: `The receipt does not describe this task: ${wrong.join(", ")} differ.`,
      };
    }
    return {
      status: "pass",
      detail: `Receipt ${fetched.hash.slice(0, 18)}… matches the chain and is signed by the enclave: ${r.cpuMs} ms CPU, ${r.wallMs} ms wall, ${r.peakMemoryBytes} bytes peak.`,
      data: { url: fetched.url, receipt: r },
    };
  },
};
