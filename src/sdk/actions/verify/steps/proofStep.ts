import type { TransactionDescription } from "ethers";
import { read } from "../../../internal/send.js";
import type { VerifyStep } from "../types.js";

/**
 * Recovers the proof the worker submitted (enclave signature, attestation statement) from the
 * calldata of the transaction that completed the task: events carry only the enclave address.
 */
export const proofStep: VerifyStep = {
  id: "proof",
  title: "Result proof submitted on-chain",
  dependsOn: ["deal"],
  async run(ctx) {
    const task = ctx.task!;
    const deal = ctx.deal!.deal;
    if (deal.trust > 1n) {
      return {
        status: "skip",
        detail: `Replicated task (trust ${deal.trust}): settled by consensus of ${task.contributors.length} contributors, no single enclave proof.`,
      };
    }
    const tx = await read(() => ctx.client.provider.getTransaction(task.completion!.txHash));
    if (!tx) return { status: "fail", detail: "The completing transaction cannot be found." };
    const tm = ctx.client.taskManager;
    let parsed: TransactionDescription | null = null;
    if (tx.to?.toLowerCase() === ctx.client.deployment.taskManager.toLowerCase()) {
      parsed = tm.interface.parseTransaction({ data: tx.data });
    }
    if (!parsed || (parsed.name !== "pushResult" && parsed.name !== "pushResults")) {
      return {
        status: "skip",
        detail: "The result was pushed through another contract; its calldata cannot be decoded.",
      };
    }
    const results = (
      parsed.name === "pushResult" ? [parsed.args.result] : [...parsed.args.results]
    ) as Array<Record<string, unknown>>;
    const mine = results.find((r) => BigInt(r.index as bigint) === task.index);
    if (!mine)
      return {
        status: "fail",
        detail: "The completing transaction holds no result for this task.",
      };
    ctx.proof = {
      worker: String(mine.worker),
      enclave: String(mine.enclave),
      resultDigest: String(mine.resultDigest),
      receiptHash: String(mine.receiptHash),
      enclaveSignature: String(mine.enclaveSignature),
      attestation: String(mine.attestation),
    };
    const c = task.completion!;
    if (
      ctx.proof.resultDigest !== c.resultDigest ||
      ctx.proof.receiptHash !== c.receiptHash ||
      ctx.proof.enclave.toLowerCase() !== c.enclave.toLowerCase()
    ) {
      return {
        status: "fail",
        detail: "The submitted proof disagrees with the TaskCompleted event.",
      };
    }
    return {
      status: "pass",
      detail: `Decoded from ${parsed.name} in ${tx.hash.slice(0, 18)}… (enclave ${c.enclave}).`,
      data: { method: parsed.name, enclave: c.enclave },
    };
  },
};
