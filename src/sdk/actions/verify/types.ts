import type { PolisClient } from "../../client.js";
import type { MarketClient } from "../../market/client.js";
import type { GetDealReturnType } from "../deals/getDeal.js";
import type { GetReceiptReturnType } from "../results/getReceipt.js";
import type { GetTaskReturnType } from "../tasks/getTask.js";

/** pass / fail; skip = not applicable or evidence unavailable; pending = check not built yet. */
export type StepStatus = "pass" | "fail" | "skip" | "pending";

export interface StepOutcome {
  status: StepStatus;
  /** One readable line: what was checked and what was found. */
  detail: string;
  /** Values the check used (hashes, addresses), for machine-readable reports. */
  data?: Record<string, unknown>;
}

export interface StepResult extends StepOutcome {
  id: string;
  title: string;
}

/** The result proof a worker submitted on-chain, decoded from the completing transaction. */
export interface SubmittedProof {
  worker: string;
  enclave: string;
  resultDigest: string;
  receiptHash: string;
  enclaveSignature: string;
  attestation: string;
}

/** What steps share: inputs, and facts earlier steps established. */
export interface VerifyContext {
  client: PolisClient;
  taskId: string;
  /** The beneficiary's key, to check the result digest of encrypted results. */
  resultKeyPem?: string;
  /** To read the orders' contents (optional: hashes are checked on-chain regardless). */
  market?: MarketClient;
  timeoutMs?: number;
  /** The attestation root (and revocation lists) to check the task's quote against. */
  attestationRoot?: { rootCertPem: string; crls?: readonly unknown[] };
  task?: GetTaskReturnType;
  deal?: GetDealReturnType;
  proof?: SubmittedProof;
  /** The usage receipt (and attestation quote) the pool's result store serves. */
  receipt?: GetReceiptReturnType;
}

/** One check of the evidence chain. Steps run in order; a step whose dependency did not pass
 * is skipped. */
export interface VerifyStep {
  id: string;
  title: string;
  dependsOn?: readonly string[];
  run(ctx: VerifyContext): Promise<StepOutcome>;
}
