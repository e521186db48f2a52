import type { StepOutcome, VerifyContext, VerifyStep } from "../types.js";

/** Checks the attestation certificate chain (root -> platform CA -> platform) of a task. */
export type CertificateChainCheck = (ctx: VerifyContext) => Promise<StepOutcome>;

/**
 * The attestation certificate chain behind the verifier's statement. The chain verifier lives in
 * src/enclave (not merged yet): pass `check` to plug it in; without it the step is "pending".
 */
export function certificateChainStep(check?: CertificateChainCheck): VerifyStep {
  return {
    id: "certificate-chain",
    title: "Attestation certificate chain",
    dependsOn: ["attestation"],
    async run(ctx) {
      if (check) return check(ctx);
      return {
        status: "pending",
        detail: "Not checked yet: the attestation chain verifier (src/enclave) is not available.",
      };
    },
  };
}
