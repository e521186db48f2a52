import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseEther } from "ethers";
import { TEE_TAG, taskIds, toDeal } from "../../../src/core/index.js";
import { BaseError, ContractError } from "../../../src/core/errors/index.js";
import { chainTime } from "../../../src/sdk/actions/orders/defaults.js";
import { getGrant } from "../../../src/sdk/actions/grants/getGrant.js";
import { grantDatasetUse } from "../../../src/sdk/actions/grants/grantDatasetUse.js";
import { generateResultKey } from "../../../src/sdk/actions/results/generateResultKey.js";
import { verifyTask } from "../../../src/sdk/actions/verify/verifyTask.js";
import { generateEHealthData, WARDS } from "../../../examples/e-health/generate-data.js";
import type { InjectedAnomaly, Ward } from "../../../examples/e-health/generate-data.js";
import {
  deployExampleApp,
  publishAppOrder,
  publishDatasetOrder,
  pushDatasetKey,
  registerEncryptedDataset,
} from "../assets.js";
import { as } from "../context.js";
import type { DemoContext } from "../context.js";
import { inOneBlock, poolTaskState, smsReleaseCounts, workerFailures } from "../refusals.js";
import { fetchResultJson, prepareRequest, requestViaMarket, waitForDeal } from "../requests.js";
import type { MatchedDeal } from "../requests.js";
import { short } from "../ui.js";

const EXAMPLES = join(import.meta.dirname, "../../../examples/e-health");

/** What the anomaly detection app returns (examples/e-health/anomaly-detection). */
interface AnomalyResult {
  ward: string;
  patients: number;
  rows: number;
  anomalies: Array<{ patient: string; hour: number; vital: string; value: number; z: number }>;
  byVital: Record<string, number>;
}

export interface EHealthReport {
  dataset: string;
  rows: number;
  injected: number;
  wards: Array<{ ward: Ward; dealId: string; taskId: string; found: number; expected: number }>;
  /** Every injected anomaly found, and nothing else. */
  exact: boolean;
  grant: { uses: number; used: number };
  verified: { taskId: string; ok: boolean; passed: number; steps: number };
  /** The ungranted app's deal, matched before the hospital required grants. */
  ungranted: {
    dealId: string;
    taskId: string;
    smsDenials: Record<string, number>;
    poolState: string;
    workerErrors: string[];
  };
  /** The hub's error for a new match of the ungranted app. */
  chainRefusal: string;
  dealIds: string[];
}

/**
 * e-Health: a hospital encrypts and registers patient vital signs, requires grants and grants the
 * anomaly detection app 5 uses for 30 days; a research lab runs it in enclaves on 3 tasks (one
 * per ward) through the market's best match, decrypts the results and verifies a task's
 * evidence. A data broker's export app has no grant: the SMS refuses its enclave the key, and
 * the hub refuses any new match.
 */
export async function runEHealth(ctx: DemoContext): Promise<EHealthReport> {
  const { ui, roles } = ctx;
  const dir = join(ctx.dataDir, "e-health");
  const data = await generateEHealthData(dir, {
    seed: 7,
    patients: ctx.size.patients,
    hours: ctx.size.hours,
  });
  ui.step(
    `The hospital generates ${data.rows} hourly vital-sign readings of ${ctx.size.patients} patients ` +
      `(seed 7, ${data.anomalies.length} injected anomalies), encrypts them (AES-256-GCM) and registers the data set`,
  );
  const vitals = await registerEncryptedDataset(ctx, roles.hospital, {
    name: "patient-vitals",
    plainPath: data.csvPath,
  });
  ui.detail(`data set ${vitals.dataset}  checksum ${short(vitals.checksum)}`);
  await publishDatasetOrder(ctx, roles.hospital, {
    dataset: vitals.dataset,
    price: parseEther("2"),
    tag: TEE_TAG,
  });

  ui.step("Two apps are registered with their enclave measurements and offered on the market");
  const detector = await deployExampleApp(ctx, roles.medAnalytics, {
    folder: join(EXAMPLES, "anomaly-detection"),
    name: "vitals-anomaly-detection",
    tee: true,
  });
  const exporter = await deployExampleApp(ctx, roles.broker, {
    folder: join(EXAMPLES, "vitals-export"),
    name: "vitals-export",
    tee: true,
  });
  for (const [owner, app] of [
    [roles.medAnalytics, detector],
    [roles.broker, exporter],
  ] as const) {
    await publishAppOrder(ctx, owner, { app: app.app, price: parseEther("1"), tag: TEE_TAG });
    ui.detail(`${app.name.padEnd(26)} ${app.app}  mrenclave ${short(app.mrenclave)}`);
  }

  ui.step(
    "The hospital requires grants; in the same block, the data broker's request for the export app is matched",
  );
  const brokerOrders = await prepareRequest(ctx, roles.broker, {
    app: exporter.app,
    dataset: vitals.dataset,
    tag: TEE_TAG,
  });
  const broker = as(ctx, roles.broker);
  const { first: brokerTx, sameBlock } = await inOneBlock(
    ctx.stack.chain.provider,
    (fees) =>
      broker.hub.matchOrders(
        brokerOrders.appOrder,
        brokerOrders.datasetOrder!,
        brokerOrders.workerpoolOrder,
        brokerOrders.requestOrder,
        fees,
      ),
    (fees) => as(ctx, roles.hospital).hub.setGrantsRequired(vitals.dataset, true, fees),
  );
  const brokerDeal = dealFromReceipt(ctx, (await brokerTx.wait())!);
  ui.detail(
    `broker's deal ${short(brokerDeal.dealId)} has no grant (matched ${sameBlock ? "in the same block, just before the rule" : "before the rule"})`,
  );

  ui.step(
    "The hospital grants the anomaly detection app 5 uses for 30 days and pushes the data set key to the SMS",
  );
  const expiry = (await chainTime(ctx.client)) + 30n * 86_400n;
  await grantDatasetUse(as(ctx, roles.hospital), {
    dataset: vitals.dataset,
    app: detector.app,
    uses: 5n,
    expiry,
  });
  await pushDatasetKey(ctx, roles.hospital, vitals);

  ui.step("The research lab creates its result key, pushes the public half to the SMS");
  const key = await generateResultKey({
    path: join(dir, "researcher-result-key.pem"),
    overwrite: true,
  });
  await ctx.sms.pushSecret({
    signer: roles.researcher,
    kind: "beneficiary-key",
    target: roles.researcher.address,
    value: Buffer.from(key.publicKey, "base64"),
  });

  ui.step(
    "The research lab runs anomaly detection in enclaves: 3 tasks, one per ward (best match)",
  );
  const deals: Array<{ ward: Ward; deal: MatchedDeal }> = [];
  for (const ward of WARDS) {
    const deal = await requestViaMarket(ctx, roles.researcher, {
      app: detector.app,
      dataset: vitals.dataset,
      tag: TEE_TAG,
      args: `--ward ${ward}`,
    });
    deals.push({ ward, deal });
    ui.detail(`${ward.padEnd(10)} deal ${short(deal.dealId)}  task ${short(deal.taskIds[0])}`);
  }
  await Promise.all(deals.map((d) => waitForDeal(ctx, d.deal)));
  const pem = await readFile(key.path, "utf8");
  ui.step("All 3 tasks completed; the lab downloads, decrypts and checks each result");
  const wards: EHealthReport["wards"] = [];
  let exact = true;
  for (const { ward, deal } of deals) {
    const result = await fetchResultJson<AnomalyResult>(ctx, deal.taskIds[0], pem);
    const expected = data.anomalies.filter((a) => a.ward === ward);
    const same = sameAnomalies(result.anomalies, expected);
    exact &&= same;
    wards.push({
      ward,
      dealId: deal.dealId,
      taskId: deal.taskIds[0],
      found: result.anomalies.length,
      expected: expected.length,
    });
    const kinds = Object.entries(result.byVital)
      .filter(([, n]) => n > 0)
      .map(([v, n]) => `${v} ${n}`)
      .join(", ");
    ui.ok(
      `${ward.padEnd(10)} ${result.rows} readings of ${result.patients} patients: ${result.anomalies.length} anomalies (${kinds || "none"})` +
        (same ? `, exactly the ${expected.length} injected` : ` (expected ${expected.length})`),
    );
  }
  const grant = await getGrant(ctx.client, { dataset: vitals.dataset, app: detector.app });
  ui.detail(`grant: ${grant.used} of ${grant.uses} uses spent, expires in 30 days`);

  const audited = wards[0].taskId;
  ui.step(`An auditor verifies task ${short(audited)} (polis verify task)`);
  const report = await verifyTask(ctx.client, {
    taskId: audited,
    resultKeyPem: pem,
    market: ctx.market,
    attestationRoot: await ctx.sms.attestationRoot(),
  });
  for (const s of report.steps)
    ui.detail(
      `${s.status.toUpperCase().padEnd(7)} ${s.title}${s.status === "pass" ? "" : `: ${s.detail}`}`,
    );
  ui[report.ok ? "ok" : "refused"](
    report.ok
      ? "no check failed"
      : `verification failed: ${report.steps.filter((s) => s.status === "fail").map((s) => s.id)}`,
  );

  ui.step("The export app has no grant: the SMS refused its enclave the data set key");
  const ungranted = await waitForRefusal(ctx, brokerDeal);
  for (const [reason, n] of Object.entries(ungranted.smsDenials))
    ui.refused(`SMS: ${n} release(s) denied, reason ${reason}`);
  for (const line of ungranted.workerErrors.slice(0, 1)) ui.detail(line);
  ui.detail(
    ungranted.poolState === "stalled"
      ? "the pool gave the task up; the broker can claim a refund after the final deadline"
      : `pool task state: ${ungranted.poolState}`,
  );
  const chainRefusal = await newMatchRefusal(ctx, exporter.app, vitals.dataset);
  ui.refused(`a new match for the export app is refused by the hub: ${chainRefusal}`);

  return {
    dataset: vitals.dataset,
    rows: data.rows,
    injected: data.anomalies.length,
    wards,
    exact,
    grant: { uses: Number(grant.uses), used: Number(grant.used) },
    verified: {
      taskId: audited,
      ok: report.ok,
      passed: report.steps.filter((s) => s.status === "pass").length,
      steps: report.steps.length,
    },
    ungranted,
    chainRefusal,
    dealIds: [brokerDeal.dealId, ...deals.map((d) => d.deal.dealId)],
  };
}

function dealFromReceipt(
  ctx: DemoContext,
  receipt: { logs: ReadonlyArray<{ topics: readonly string[]; data: string }> },
) {
  for (const log of receipt.logs) {
    const parsed = ctx.client.hub.interface.parseLog({ topics: [...log.topics], data: log.data });
    if (parsed?.name === "DealCreated")
      return { dealId: parsed.args.dealId as string, deal: toDeal(parsed.args.deal) };
  }
  throw new Error("no DealCreated in the broker's match");
}

function sameAnomalies(found: AnomalyResult["anomalies"], expected: InjectedAnomaly[]): boolean {
  const key = (a: { patient: string; hour: number; vital: string }) =>
    `${a.patient}/${a.hour}/${a.vital}`;
  const want = new Set(expected.map(key));
  return found.length === expected.length && found.every((a) => want.has(key(a)));
}

/** Waits until the pool gave the ungranted task up (or 30 s), then gathers the evidence. */
async function waitForRefusal(
  ctx: DemoContext,
  brokerDeal: { dealId: string; deal: ReturnType<typeof toDeal> },
): Promise<EHealthReport["ungranted"]> {
  const taskId = taskIds(brokerDeal.deal, brokerDeal.dealId)[0];
  const deadline = Date.now() + 30_000;
  let poolState = await poolTaskState(ctx.stack.state.urls.scheduler, taskId);
  while (poolState !== "stalled" && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    poolState = await poolTaskState(ctx.stack.state.urls.scheduler, taskId);
  }
  const counts = await smsReleaseCounts(ctx.stack.state.urls.sms);
  const smsDenials = Object.fromEntries(
    Object.entries(counts)
      .filter(([k]) => k.startsWith("denied:"))
      .map(([k, n]) => [k.slice("denied:".length), n]),
  );
  return {
    dealId: brokerDeal.dealId,
    taskId,
    smsDenials,
    poolState,
    workerErrors: await workerFailures(join(ctx.stack.state.dataDir, "logs"), taskId),
  };
}

/** The hub's answer to a new request for the ungranted app: the named custom error. */
async function newMatchRefusal(ctx: DemoContext, app: string, dataset: string): Promise<string> {
  try {
    await requestViaMarket(ctx, ctx.roles.broker, { app, dataset, tag: TEE_TAG });
    return "none (the match went through)";
  } catch (error) {
    if (error instanceof ContractError) return `${error.errorName}: ${error.shortMessage}`;
    if (error instanceof BaseError) return `${error.name}: ${error.shortMessage}`;
    throw error;
  }
}
