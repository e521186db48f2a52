import { verifyTypedData } from "ethers";
import { ATTESTATION_STATEMENT_TYPES, isTee } from "../../../../core/index.js";
import { read } from "../../../internal/send.js";
import type { VerifyStep } from "../types.js";

/**
 * A registered attestation verifier (the SMS) vouched for (task, enclave, the deal's app
 * measurement), and was registered when the result was accepted.
 */
export const attestationStep: VerifyStep = {
  id: "attestation",
  title: "Attestation statement by a registered verifier",
  dependsOn: ["proof"],
  async run(ctx) {
    const deal = ctx.deal!.deal;
    const proof = ctx.proof!;
    if (!isTee(deal.tag)) return { status: "skip", detail: "Not a TEE deal: no attestation." };
    const value = { taskId: ctx.taskId, enclave: proof.enclave, mrenclave: deal.mrenclave };
    let verifier: string;
    try {
      verifier = verifyTypedData(
        ctx.client.taskDomain,
        ATTESTATION_STATEMENT_TYPES,
        value,
        proof.attestation,
      );
    } catch {
      return { status: "fail", detail: "The attestation statement signature is malformed." };
    }
    const block = ctx.task!.completion!.blockNumber;
    const tm = ctx.client.taskManager;
    const [then, now] = await Promise.all([
      read(() => tm.isAttestationVerifier(verifier, { blockTag: block })).catch(() => undefined),
      read(() => tm.isAttestationVerifier(verifier)),
    ]);
    if (then === false || (then === undefined && !now)) {
      return {
        status: "fail",
        detail: `The statement is signed by ${verifier}, which was not a registered verifier.`,
      };
    }
    return {
      status: "pass",
      detail:
        `AttestationStatement(task, enclave, mrenclave ${deal.mrenclave.slice(0, 10)}…) is signed by verifier ${verifier}` +
        (now ? ", registered then and now." : ", registered then (since removed)."),
      data: { verifier, mrenclave: deal.mrenclave, registeredNow: now },
    };
  },
};
