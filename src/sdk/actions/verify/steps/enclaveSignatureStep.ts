import { ZeroAddress, verifyTypedData } from "ethers";
import { ENCLAVE_RESULT_TYPES, isTee, resultHash, resultSeal } from "../../../../core/index.js";
import type { VerifyStep } from "../types.js";

/** The per-task enclave key signed EnclaveResult(resultHash, resultSeal, receiptHash). */
export const enclaveSignatureStep: VerifyStep = {
  id: "enclave-signature",
  title: "Enclave signature over the result",
  dependsOn: ["proof"],
  async run(ctx) {
    const deal = ctx.deal!.deal;
    const proof = ctx.proof!;
    if (!isTee(deal.tag)) return { status: "skip", detail: "Not a TEE deal: no enclave." };
    if (proof.enclave === ZeroAddress)
      return { status: "fail", detail: "A TEE result without an enclave." };
    const value = {
      resultHash: resultHash(ctx.taskId, proof.resultDigest),
      resultSeal: resultSeal(proof.worker, ctx.taskId, proof.resultDigest),
      receiptHash: proof.receiptHash,
    };
    let signer: string;
    try {
      signer = verifyTypedData(
        ctx.client.taskDomain,
        ENCLAVE_RESULT_TYPES,
        value,
        proof.enclaveSignature,
      );
    } catch {
      return { status: "fail", detail: "The enclave signature is malformed." };
    }
    if (signer.toLowerCase() !== proof.enclave.toLowerCase()) {
      return {
        status: "fail",
        detail: `The result is signed by ${signer}, not by the enclave ${proof.enclave}.`,
      };
    }
    return {
      status: "pass",
      detail: `EnclaveResult(resultHash, resultSeal, receiptHash) is signed by the enclave ${proof.enclave} under the task manager domain.`,
      data: { enclave: proof.enclave, ...value },
    };
  },
};
