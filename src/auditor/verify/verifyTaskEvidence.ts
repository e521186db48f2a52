import { TypedDataEncoder, ZeroAddress, recoverAddress } from "ethers";
import {
  ATTESTATION_STATEMENT_TYPES,
  ENCLAVE_RESULT_TYPES,
  WORKER_AUTHORIZATION_TYPES,
  dealHash,
  isTee,
  resultHash,
  resultSeal,
  taskId as computeTaskId,
  toDeal,
} from "../../core/index.js";
import type { PolisClient } from "../../sdk/client.js";
import { checkDealOrders } from "./orderEvidence.js";
import type {
  EvidenceCheck,
  EvidenceContext,
  EvidenceStep,
  PushedResult,
  TaskEvidence,
} from "./types.js";

/** Options of verifyTaskEvidence: where to search and the checks other modules plug in. */
export interface VerifyTaskEvidenceOptions {
  /** First block to search for the task's events (default: the deployment's start block). */
  fromBlock?: number;
  /** Verifies the enclave quote's certificate chain (see offChainEvidenceChecks). */
  certificateChain?: EvidenceCheck;
  /** Verifies the enclave-signed usage receipt against `receiptHash` (see offChainEvidenceChecks). */
  usageReceipt?: EvidenceCheck;
}

const TASK_COMPLETED = 3n;

const TITLES: Record<string, string> = {
  "task-completed": "Task completed on chain",
  deal: "Deal recorded by the hub",
  orders: "Orders signed by their owners",
  "scheduler-authorization": "Worker authorized by the pool's scheduler",
  "enclave-signature": "Result signed by the enclave",
  attestation: "Enclave attested by a registered verifier for the app's measurement",
  "certificate-chain": "Attestation certificate chain",
  "usage-receipt": "Usage receipt",
};

/**
 * Re-verifies, from the chain alone, the evidence behind a completed task: the completion event
 * and status, the deal (its hash equals `hub.dealHash`), the four orders (digests and owners'
 * signatures from the match calldata), the scheduler's authorization, the enclave's EIP-712
 * signature over the result, and the attestation statement signed by a registered verifier for
 * the deal's mrenclave. The off-chain evidence (the usage receipt, the quote's certificate chain)
 * is checked by what `options` plugs in, `offChainEvidenceChecks` in the services; without it,
 * those two steps are "skip".
 * Used by the auditor's integrity check, its explorer and `polis verify task`.
 * @example const { ok, steps } = await verifyTaskEvidence(client, taskId);
 */
export async function verifyTaskEvidence(
  client: PolisClient,
  taskId: string,
  options: VerifyTaskEvidenceOptions = {},
): Promise<TaskEvidence> {
  const steps: EvidenceStep[] = [];
  const add = (id: string, r: Pick<EvidenceStep, "status" | "message" | "details">) =>
    steps.push({ id, title: TITLES[id], ...r });
  const finish = (dealId?: string): TaskEvidence => {
    for (const id of Object.keys(TITLES)) {
      if (!steps.some((s) => s.id === id))
        add(id, { status: "skip", message: "Not reached: an earlier step failed." });
    }
    return { taskId, dealId, ok: steps.every((s) => s.status !== "fail"), steps };
  };
  const fromBlock = options.fromBlock ?? client.deployment.startBlock;
  const id = taskId.toLowerCase();

  // 1. Completion event and status.
  const completedLogs = await client.taskManager.queryFilter(
    client.taskManager.filters.TaskCompleted(id),
    fromBlock,
  );
  const status = (await client.taskManager.taskOf(id)).status;
  const log = completedLogs[0];
  if (!log || status !== TASK_COMPLETED) {
    add("task-completed", {
      status: "fail",
      message: log
        ? `TaskCompleted was emitted but the task status is ${status}.`
        : "No TaskCompleted event for this task.",
    });
    return finish();
  }
  const c = log.args;
  const completion: EvidenceContext["completion"] = {
    worker: c.worker,
    enclave: c.enclave,
    resultDigest: c.resultDigest,
    receiptHash: c.receiptHash,
    results: c.results,
    index: c.index,
    blockNumber: log.blockNumber,
    transactionHash: log.transactionHash,
  };
  const dealId = (c.dealId as string).toLowerCase();
  add("task-completed", {
    status: "pass",
    message: `Completed in block ${log.blockNumber} with result digest ${c.resultDigest}.`,
    details: { transaction: log.transactionHash, resultDigest: c.resultDigest, worker: c.worker },
  });

  // 2. The deal.
  const dealLogs = await client.hub.queryFilter(client.hub.filters.DealCreated(dealId), fromBlock);
  const dealLog = dealLogs[0];
  if (!dealLog) {
    add("deal", { status: "fail", message: `No DealCreated event for deal ${dealId}.` });
    return finish(dealId);
  }
  const deal = toDeal(dealLog.args.deal);
  const onChain = await client.hub.dealHash(dealId, deal.botFirst);
  const computed = dealHash(deal);
  const inBag =
    completion.index >= deal.botFirst && completion.index < deal.botFirst + deal.botSize;
  const idOk = computeTaskId(dealId, completion.index).toLowerCase() === id;
  const dealOk = onChain === computed && inBag && idOk;
  add("deal", {
    status: dealOk ? "pass" : "fail",
    message: dealOk
      ? `Deal hash ${computed} equals hub.dealHash; task ${completion.index} is in the deal's bag.`
      : `Deal hash ${computed} vs hub ${onChain}; index in bag: ${inBag}; task id derivation: ${idOk}.`,
    details: {
      dealId,
      dealHash: computed,
      app: deal.app,
      dataset: deal.dataset,
      workerpool: deal.workerpool,
    },
  });

  // 3. Orders.
  add(
    "orders",
    await checkDealOrders(
      client,
      deal,
      [...dealLog.args.orderHashes],
      dealLog.transactionHash,
      dealLog.blockNumber,
    ),
  );

  // 4-6. The pushed result: authorization, enclave signature, attestation.
  const pushed = await decodePushed(client, completion.transactionHash, completion.index);
  const ctx: EvidenceContext = {
    client,
    taskId: id,
    dealId,
    deal,
    dealBlock: dealLog.blockNumber,
    completion,
    pushed,
  };
  if (!pushed) {
    const why = "The task was completed through the replicated path (contribute/reveal/finalize).";
    add("scheduler-authorization", { status: "skip", message: why });
    add("enclave-signature", { status: "skip", message: why });
    add("attestation", { status: "skip", message: why });
  } else {
    add("scheduler-authorization", checkAuthorization(client, ctx, pushed));
    if (!isTee(deal.tag)) {
      const why = "Not a TEE deal: no enclave is involved.";
      add("enclave-signature", { status: "skip", message: why });
      add("attestation", { status: "skip", message: why });
    } else {
      add("enclave-signature", checkEnclaveSignature(client, ctx, pushed));
      add("attestation", await checkAttestation(client, ctx, pushed));
    }
  }

  // 7-8. Off-chain evidence, when the caller plugs in its checks.
  add(
    "certificate-chain",
    options.certificateChain
      ? await options.certificateChain(ctx)
      : {
          status: "skip",
          message: "Not checked here: no attestation root or result store access was configured.",
        },
  );
  add(
    "usage-receipt",
    options.usageReceipt
      ? await options.usageReceipt(ctx)
      : {
          status: "skip",
          message: `Not checked here: the signed usage receipt behind receiptHash ${completion.receiptHash}.`,
        },
  );
  return finish(dealId);
}

async function decodePushed(
  client: PolisClient,
  txHash: string,
  index: bigint,
): Promise<PushedResult | undefined> {
  const tx = await client.provider.getTransaction(txHash);
  if (!tx) return undefined;
  const parsed = client.taskManager.interface.parseTransaction({ data: tx.data });
  if (!parsed) return undefined;
  const from = (r: any, authorization: string): PushedResult => ({
    index: r.index,
    worker: r.worker,
    resultDigest: r.resultDigest,
    receiptHash: r.receiptHash,
    enclave: r.enclave,
    enclaveSignature: r.enclaveSignature,
    attestation: r.attestation,
    results: r.results,
    authorization,
    sender: tx.from,
  });
  if (parsed.name === "pushResult") return from(parsed.args.result, parsed.args.authorization);
  if (parsed.name === "pushResults") {
    const r = [...parsed.args.results].find((x: any) => x.index === index);
    return r ? from(r, "0x") : undefined;
  }
  return undefined;
}

type StepResult = Pick<EvidenceStep, "status" | "message" | "details">;

function checkAuthorization(
  client: PolisClient,
  ctx: EvidenceContext,
  p: PushedResult,
): StepResult {
  const scheduler = ctx.deal.scheduler.toLowerCase();
  if (p.sender.toLowerCase() === scheduler) {
    return {
      status: "pass",
      message: `Sent by the deal's scheduler ${ctx.deal.scheduler} itself.`,
    };
  }
  const digest = TypedDataEncoder.hash(client.taskDomain, WORKER_AUTHORIZATION_TYPES, {
    worker: p.worker,
    taskId: ctx.taskId,
    enclave: p.enclave,
  });
  let signer = "";
  try {
    signer = recoverAddress(digest, p.authorization).toLowerCase();
  } catch {
    // malformed
  }
  return signer === scheduler
    ? {
        status: "pass",
        message: `The scheduler ${ctx.deal.scheduler} authorized worker ${p.worker}.`,
      }
    : {
        status: "fail",
        message: `The authorization is signed by ${signer || "nobody"}, not the scheduler ${ctx.deal.scheduler}.`,
      };
}

function checkEnclaveSignature(
  client: PolisClient,
  ctx: EvidenceContext,
  p: PushedResult,
): StepResult {
  if (p.enclave === ZeroAddress)
    return { status: "fail", message: "No enclave named for a TEE deal." };
  const digest = TypedDataEncoder.hash(client.taskDomain, ENCLAVE_RESULT_TYPES, {
    resultHash: resultHash(ctx.taskId, ctx.completion.resultDigest),
    resultSeal: resultSeal(p.worker, ctx.taskId, ctx.completion.resultDigest),
    receiptHash: ctx.completion.receiptHash,
  });
  let signer = "";
  try {
    signer = recoverAddress(digest, p.enclaveSignature);
  } catch {
    // malformed
  }
  const ok = signer.toLowerCase() === ctx.completion.enclave.toLowerCase();
  return ok
    ? {
        status: "pass",
        message: `Enclave ${signer} signed (resultHash, resultSeal, receiptHash) for this task.`,
        details: { enclave: signer, receiptHash: ctx.completion.receiptHash },
      }
    : {
        status: "fail",
        message: `The result is signed by ${signer || "nobody"}, not the enclave ${ctx.completion.enclave}.`,
      };
}

async function checkAttestation(
  client: PolisClient,
  ctx: EvidenceContext,
  p: PushedResult,
): Promise<StepResult> {
  const digest = TypedDataEncoder.hash(client.taskDomain, ATTESTATION_STATEMENT_TYPES, {
    taskId: ctx.taskId,
    enclave: ctx.completion.enclave,
    mrenclave: ctx.deal.mrenclave,
  });
  let verifier = "";
  try {
    verifier = recoverAddress(digest, p.attestation);
  } catch {
    return { status: "fail", message: "The attestation statement is not a valid signature." };
  }
  const [registered, record] = await Promise.all([
    client.taskManager.isAttestationVerifier(verifier, { blockTag: ctx.completion.blockNumber }),
    client.appRegistry.appRecord(ctx.deal.app, { blockTag: ctx.dealBlock }),
  ]);
  const measurementOk = record.mrenclave.toLowerCase() === ctx.deal.mrenclave.toLowerCase();
  if (!registered) {
    return {
      status: "fail",
      message: `The statement is signed by ${verifier}, which was not a registered verifier.`,
    };
  }
  if (!measurementOk) {
    return {
      status: "fail",
      message: `The deal's mrenclave ${ctx.deal.mrenclave} is not the app's registered ${record.mrenclave}.`,
    };
  }
  return {
    status: "pass",
    message: `Verifier ${verifier} attested enclave ${ctx.completion.enclave} runs mrenclave ${ctx.deal.mrenclave}.`,
    details: { verifier, mrenclave: ctx.deal.mrenclave },
  };
}
