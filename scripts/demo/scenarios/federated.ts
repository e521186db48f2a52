import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Wallet, parseEther } from "ethers";
import { TEE_TAG } from "../../../src/core/index.js";
import { BaseError } from "../../../src/core/errors/index.js";
import { generateX25519KeyPair } from "../../../src/core/crypto/index.js";
import { decryptResult } from "../../../src/sdk/actions/results/decryptResult.js";
import { downloadResult } from "../../../src/sdk/actions/results/downloadResult.js";
import { generateResultKey } from "../../../src/sdk/actions/results/generateResultKey.js";
import { generateFederatedData } from "../../../examples/federated-learning/generate-data.js";
import type { District } from "../../../examples/federated-learning/generate-data.js";
import {
  deployExampleApp,
  publishAppOrder,
  publishDatasetOrder,
  pushDatasetKey,
  registerEncryptedDataset,
} from "../assets.js";
import type { DemoContext } from "../context.js";
import { fetchResultJson, requestViaMarket, waitForDeal } from "../requests.js";
import type { MatchedDeal } from "../requests.js";
import { percent, short } from "../ui.js";

const EXAMPLES = join(import.meta.dirname, "../../../examples/federated-learning");
const TRAINING_ARGS = "--epochs 300 --lr 0.3";

/** What the aggregation app returns (examples/federated-learning/aggregate). */
interface AggregateResult {
  model: { features: string[]; weights: number[]; bias: number };
  accuracy: number;
  holdoutRows: number;
  samples: number;
  districts: Array<{ district: string; taskId: string; n: number; holdoutAccuracy: number }>;
}

export interface FederatedReport {
  districts: Array<{ district: District; dataset: string; dealId: string; taskId: string }>;
  aggregation: { dataset: string; dealId: string; taskId: string };
  /** Accuracy of the joint model on the held-out set, as the enclave computed it... */
  accuracy: number;
  /** ...and as the coordinator recomputes it from the model it received. */
  recomputedAccuracy: number;
  localAccuracies: Record<string, number>;
  samples: number;
  /** Whether the coordinator could open a district's update itself (it must not). */
  coordinatorReadUpdate: boolean;
}

/**
 * Federated learning: three districts keep their own encrypted sensor data; a TEE task per
 * district trains a local logistic regression; the local updates are encrypted to an
 * aggregation key that only the aggregation enclave receives from the SMS; the aggregation task
 * averages them (FedAvg) and evaluates the joint model on the city's held-out set.
 *
 * Privacy: raw readings are decrypted only inside the district's enclave; each local update
 * leaves it encrypted to the aggregation key (the coordinator seals the private half in the SMS
 * as a requester secret and keeps no copy), so only the measured aggregation app can open the
 * updates; only the joint model reaches the coordinator.
 */
export async function runFederated(ctx: DemoContext): Promise<FederatedReport> {
  const { ui, roles } = ctx;
  const dir = join(ctx.dataDir, "federated-learning");
  const data = await generateFederatedData(dir, {
    seed: 23,
    rows: ctx.size.flRows,
    holdoutRows: ctx.size.flHoldoutRows,
  });

  ui.step("The FL lab registers its local-training and aggregation apps (TEE, measured)");
  const trainer = await deployExampleApp(ctx, roles.flLab, {
    folder: join(EXAMPLES, "local-train"),
    name: "fl-local-train",
    tee: true,
  });
  const aggregator = await deployExampleApp(ctx, roles.flLab, {
    folder: join(EXAMPLES, "aggregate"),
    name: "fl-aggregate",
    tee: true,
  });
  for (const app of [trainer, aggregator])
    await publishAppOrder(ctx, roles.flLab, { app: app.app, price: parseEther("1"), tag: TEE_TAG });

  const owners: Record<District, Wallet> = {
    "industrial-east": roles.districtEast,
    downtown: roles.districtDowntown,
    "green-west": roles.districtWest,
  };
  ui.step(
    `Three districts encrypt their ${data.rowsPerDistrict} sensor readings each, push the keys to the SMS ` +
      "and sell them only to the training app",
  );
  const datasets = {} as Record<District, string>;
  for (const [district, owner] of Object.entries(owners) as [District, Wallet][]) {
    const d = await registerEncryptedDataset(ctx, owner, {
      name: `air-quality-${district}`,
      plainPath: data.districts[district],
    });
    await pushDatasetKey(ctx, owner, d);
    await publishDatasetOrder(ctx, owner, {
      dataset: d.dataset,
      price: parseEther("1"),
      tag: TEE_TAG,
      appRestrict: trainer.app,
    });
    datasets[district] = d.dataset;
    ui.detail(`${district.padEnd(16)} data set ${d.dataset}`);
  }

  ui.step(
    "The coordinator creates an aggregation key: public half as the local tasks' beneficiary,",
  );
  ui.detail("private half sealed in the SMS for the aggregation enclave only (no copy kept)");
  const aggregation = Wallet.createRandom();
  {
    const pair = generateX25519KeyPair();
    await ctx.sms.pushSecret({
      signer: aggregation,
      kind: "beneficiary-key",
      target: aggregation.address,
      value: pair.publicKey,
    });
    await ctx.sms.pushSecret({
      signer: roles.coordinator,
      kind: "requester-secret",
      target: roles.coordinator.address,
      name: "aggregationKey",
      value: Buffer.from(pair.privateKeyPem),
    });
  }
  const key = await generateResultKey({
    path: join(dir, "coordinator-result-key.pem"),
    overwrite: true,
  });
  await ctx.sms.pushSecret({
    signer: roles.coordinator,
    kind: "beneficiary-key",
    target: roles.coordinator.address,
    value: Buffer.from(key.publicKey, "base64"),
  });
  const pem = await readFile(key.path, "utf8");

  ui.step("Round 1: a TEE task per district trains a local logistic regression on its own data");
  const local: Array<{ district: District; deal: MatchedDeal }> = [];
  for (const district of Object.keys(owners) as District[]) {
    const deal = await requestViaMarket(ctx, roles.coordinator, {
      app: trainer.app,
      dataset: datasets[district],
      tag: TEE_TAG,
      args: TRAINING_ARGS,
      beneficiary: aggregation.address,
    });
    local.push({ district, deal });
    ui.detail(`${district.padEnd(16)} deal ${short(deal.dealId)}  task ${short(deal.taskIds[0])}`);
  }
  await Promise.all(local.map((l) => waitForDeal(ctx, l.deal)));
  const updates = [];
  let coordinatorReadUpdate = false;
  for (const { district, deal } of local) {
    const taskId = deal.taskIds[0];
    const { blob } = await downloadResult(ctx.client, { taskId });
    coordinatorReadUpdate ||= canOpen(taskId, blob, pem);
    updates.push({ district, taskId, blob: blob.toString("base64") });
  }
  ui.ok(
    `3 local updates completed; they are encrypted to the aggregation key: the coordinator ${coordinatorReadUpdate ? "CAN" : "cannot"} open them`,
  );

  ui.step("Round 2: the aggregation enclave opens the updates, averages them (FedAvg), evaluates");
  const inputPath = join(dir, "aggregation-input.json");
  const holdout = await readFile(data.holdoutPath, "utf8");
  await writeFile(inputPath, JSON.stringify({ updates, holdout }));
  const input = await registerEncryptedDataset(ctx, roles.coordinator, {
    name: "fl-round-1-updates",
    plainPath: inputPath,
  });
  await pushDatasetKey(ctx, roles.coordinator, input);
  await publishDatasetOrder(ctx, roles.coordinator, {
    dataset: input.dataset,
    price: 0n,
    tag: TEE_TAG,
    appRestrict: aggregator.app,
    requesterRestrict: roles.coordinator.address,
  });
  const deal = await requestViaMarket(ctx, roles.coordinator, {
    app: aggregator.app,
    dataset: input.dataset,
    tag: TEE_TAG,
    secrets: ["aggregationKey"],
  });
  ui.detail(`deal ${short(deal.dealId)}  task ${short(deal.taskIds[0])}`);
  await waitForDeal(ctx, deal);
  const result = await fetchResultJson<AggregateResult>(ctx, deal.taskIds[0], pem);
  const recomputed = accuracyOn(holdout, result.model);
  for (const d of result.districts)
    ui.detail(
      `${d.district.padEnd(16)} local model alone: ${percent(d.holdoutAccuracy)} on the held-out set`,
    );
  ui.ok(
    `joint model (${result.samples} samples, never pooled): accuracy ${percent(result.accuracy)} ` +
      `on ${result.holdoutRows} held-out readings (recomputed by the coordinator: ${percent(recomputed)})`,
  );
  ui.detail(
    `weights ${result.model.features.map((f, j) => `${f} ${result.model.weights[j].toFixed(2)}`).join(", ")}, bias ${result.model.bias.toFixed(2)}`,
  );
  return {
    districts: local.map(({ district, deal: d }) => ({
      district,
      dataset: datasets[district],
      dealId: d.dealId,
      taskId: d.taskIds[0],
    })),
    aggregation: { dataset: input.dataset, dealId: deal.dealId, taskId: deal.taskIds[0] },
    accuracy: result.accuracy,
    recomputedAccuracy: recomputed,
    localAccuracies: Object.fromEntries(
      result.districts.map((d) => [d.district, d.holdoutAccuracy]),
    ),
    samples: result.samples,
    coordinatorReadUpdate,
  };
}

/** Whether `pem` opens a result blob (the coordinator's own key must not open local updates). */
function canOpen(taskId: string, blob: Buffer, pem: string): boolean {
  try {
    decryptResult({ taskId, blob, privateKeyPem: pem });
    return true;
  } catch (error) {
    if (error instanceof BaseError) return false;
    throw error;
  }
}

/** Accuracy of a logistic model on a CSV (features..., label). */
function accuracyOn(csv: string, model: AggregateResult["model"]): number {
  const rows = csv
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(",").map(Number));
  const correct = rows.filter((r) => {
    const z = r.slice(0, -1).reduce((s, v, j) => s + v * model.weights[j], model.bias);
    return (z >= 0 ? 1 : 0) === r[r.length - 1];
  }).length;
  return correct / rows.length;
}
