import { BaseError } from "../../../core/errors/index.js";
import type { PolisClient } from "../../client.js";
import type { MarketClient } from "../../market/client.js";
import { parseBytes32 } from "../../internal/values.js";
import { attestationStep } from "./steps/attestationStep.js";
import { certificateChainStep } from "./steps/certificateChainStep.js";
import type { CertificateChainCheck } from "./steps/certificateChainStep.js";
import { dealStep } from "./steps/dealStep.js";
import { enclaveSignatureStep } from "./steps/enclaveSignatureStep.js";
import { ordersStep } from "./steps/ordersStep.js";
import { proofStep } from "./steps/proofStep.js";
import { receiptStep } from "./steps/receiptStep.js";
import { resultDigestStep } from "./steps/resultDigestStep.js";
import { taskStep } from "./steps/taskStep.js";
import type { StepResult, VerifyContext, VerifyStep } from "./types.js";

export interface VerifyTaskParameters {
  taskId: string;
  /** Beneficiary key (PEM), to check the digest of an encrypted result. */
  resultKeyPem?: string;
  market?: MarketClient;
  /**
   * The attestation root (PEM) and revocation lists the task's quote must chain to; without it
   * the certificate chain step is skipped.
   */
  attestationRoot?: { rootCertPem: string; crls?: readonly unknown[] };
  /** Replaces the certificate chain check. */
  certificateChain?: CertificateChainCheck;
  /** Replace the whole list of steps. */
  steps?: readonly VerifyStep[];
  /** Called as each step finishes. */
  onStep?: (result: StepResult) => void;
  timeoutMs?: number;
}

export interface VerifyTaskReturnType {
  taskId: string;
  /** No step failed. */
  ok: boolean;
  /** Every step passed (none skipped or pending). */
  complete: boolean;
  steps: StepResult[];
}

/** The auditor's checks, in order. */
export function defaultVerifySteps(certificateChain?: CertificateChainCheck): VerifyStep[] {
  return [
    taskStep,
    dealStep,
    ordersStep,
    proofStep,
    enclaveSignatureStep,
    attestationStep,
    resultDigestStep,
    receiptStep,
    certificateChainStep(certificateChain),
  ];
}

/**
 * Checks the whole chain of evidence of a task, the auditor's way: the orders behind its deal,
 * the deal against the hub's hash, the task's completion, the enclave signature and the
 * verifier's attestation statement (under the task manager domain), the result digest, the usage
 * receipt, and the attestation quote's certificate chain to `attestationRoot`. Never throws for
 * a failed check: each step reports pass, fail, skip or pending.
 * @example
 * const report = await verifyTask(client, { taskId, resultKeyPem });
 * for (const s of report.steps) console.log(s.status, s.title);
 */
export async function verifyTask(
  client: PolisClient,
  params: VerifyTaskParameters,
): Promise<VerifyTaskReturnType> {
  const ctx: VerifyContext = {
    client,
    taskId: parseBytes32(params.taskId, "task id"),
    resultKeyPem: params.resultKeyPem,
    market: params.market,
    attestationRoot: params.attestationRoot,
    timeoutMs: params.timeoutMs,
  };
  const steps = params.steps ?? defaultVerifySteps(params.certificateChain);
  const results: StepResult[] = [];
  const passed = new Set<string>();
  for (const step of steps) {
    const missing = (step.dependsOn ?? []).filter((d) => !passed.has(d));
    let result: StepResult;
    if (missing.length) {
      result = {
        id: step.id,
        title: step.title,
        status: "skip",
        detail: `Not checked: needs ${missing.join(", ")}.`,
      };
    } else {
      try {
        result = { id: step.id, title: step.title, ...(await step.run(ctx)) };
      } catch (error) {
        if (!(error instanceof BaseError) || error.name === "ServiceError") throw error;
        result = { id: step.id, title: step.title, status: "fail", detail: error.shortMessage };
      }
    }
    if (result.status === "pass") passed.add(step.id);
    results.push(result);
    params.onStep?.(result);
  }
  return {
    taskId: ctx.taskId,
    ok: results.every((r) => r.status !== "fail"),
    complete: results.every((r) => r.status === "pass"),
    steps: results,
  };
}
