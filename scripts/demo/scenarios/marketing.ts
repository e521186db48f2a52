import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseEther } from "ethers";
import { NO_TAG } from "../../../src/core/index.js";
import { generateResultKey } from "../../../src/sdk/actions/results/generateResultKey.js";
import { generateMarketingData } from "../../../examples/marketing/generate-data.js";
import {
  deployExampleApp,
  publishAppOrder,
  publishDatasetOrder,
  registerClearDataset,
} from "../assets.js";
import type { DemoContext } from "../context.js";
import { fetchResultJson, requestViaMarket, waitForDeal } from "../requests.js";
import { signedPolis } from "../summary.js";
import { percent, short, table } from "../ui.js";

const EXAMPLES = join(import.meta.dirname, "../../../examples/marketing");

interface CampaignResult {
  rows: number;
  categories: Record<
    string,
    {
      impressions: number;
      clicks: number;
      conversions: number;
      ctr: number;
      conversionRate: number;
      bestDistrict: string;
    }
  >;
  overall: { impressions: number; clicks: number; conversions: number; ctr: number };
}

export interface MarketingReport {
  dealId: string;
  taskId: string;
  trust: number;
  result: CampaignResult;
  /** The app's totals equal the generator's. */
  totalsMatch: boolean;
  contributions: Array<{
    worker: string;
    status: string;
    agreed: boolean;
    scoreBefore: number;
    scoreAfter: number;
    reward: bigint;
  }>;
}

/** ContributionStatus (Proved = revealed). */
const CONTRIBUTION_STATUS = ["none", "contributed", "revealed", "rejected"];

/**
 * Marketing campaign: the city's statistics office publishes click and impression statistics
 * per district (clear data); an agency runs the campaign analysis as a trust-3 replicated deal on
 * standard workers: independent workers compute it, agree by consensus, reveal and are paid.
 */
export async function runMarketing(ctx: DemoContext): Promise<MarketingReport> {
  const { ui, roles } = ctx;
  const dir = join(ctx.dataDir, "marketing");
  const data = await generateMarketingData(dir, { seed: 11, days: ctx.size.campaignDays });
  ui.step(
    `The statistics office publishes ${data.rows} daily rows of impressions, clicks and conversions ` +
      "per district and ad category (clear data: nothing personal)",
  );
  const campaign = await registerClearDataset(ctx, roles.statsOffice, {
    name: "campaign-statistics",
    path: data.csvPath,
  });
  await publishDatasetOrder(ctx, roles.statsOffice, {
    dataset: campaign.dataset,
    price: parseEther("1"),
    tag: NO_TAG,
  });
  const app = await deployExampleApp(ctx, roles.adAnalytics, {
    folder: join(EXAMPLES, "campaign-stats"),
    name: "campaign-stats",
    tee: false,
  });
  await publishAppOrder(ctx, roles.adAnalytics, {
    app: app.app,
    price: parseEther("1"),
    tag: NO_TAG,
  });
  ui.detail(`data set ${campaign.dataset}, app ${app.app} (standard, no enclave)`);

  const key = await generateResultKey({
    path: join(dir, "agency-result-key.pem"),
    overwrite: true,
  });
  await ctx.sms.pushSecret({
    signer: roles.agency,
    kind: "beneficiary-key",
    target: roles.agency.address,
    value: Buffer.from(key.publicKey, "base64"),
  });
  const workers = ctx.stack.state.pool.workers;
  const before = await Promise.all(workers.map((w) => workerState(ctx, w)));
  ui.step("The tourism agency requests the analysis with trust 3 (replicated on standard workers)");
  const deal = await requestViaMarket(ctx, roles.agency, {
    app: app.app,
    dataset: campaign.dataset,
    tag: NO_TAG,
    trust: 3n,
  });
  const taskId = deal.taskIds[0];
  ui.detail(
    `deal ${short(deal.dealId)}  task ${short(taskId)}  worker stake ${signedPolis(deal.deal.workerStake).slice(1)} POLIS each`,
  );
  await waitForDeal(ctx, deal);

  const contributors = await ctx.client.taskManager.contributorsOf(taskId);
  const view = await ctx.client.taskManager.taskOf(taskId);
  const contributions: MarketingReport["contributions"] = [];
  for (const worker of contributors) {
    const c = await ctx.client.taskManager.contributionOf(taskId, worker);
    const i = workers.findIndex((w) => w.toLowerCase() === worker.toLowerCase());
    const after = await workerState(ctx, worker);
    contributions.push({
      worker,
      status: CONTRIBUTION_STATUS[Number(c.status)] ?? String(c.status),
      agreed: c.resultHash === view.consensusHash,
      scoreBefore: i >= 0 ? before[i].score : 0,
      scoreAfter: after.score,
      reward: after.balance - (i >= 0 ? before[i].balance : 0n),
    });
  }
  ui.step(
    `Consensus reached: ${contributions.filter((c) => c.agreed).length} workers agreed on the result, revealed it and were paid`,
  );
  for (const line of table([
    ["worker", "contribution", "consensus", "score", "reward (POLIS)"],
    ...contributions.map((c) => [
      short(c.worker),
      c.status,
      c.agreed ? "agreed" : "differs",
      `${c.scoreBefore} -> ${c.scoreAfter}`,
      signedPolis(c.reward),
    ]),
  ]))
    ui.detail(line);

  const pem = await readFile(key.path, "utf8");
  const result = await fetchResultJson<CampaignResult>(ctx, taskId, pem);
  ui.step("The agency decrypts the result: click-through and conversion rates per category");
  const categories = Object.entries(result.categories).sort((a, b) => b[1].ctr - a[1].ctr);
  for (const line of table([
    ["category", "impressions", "clicks", "CTR", "conversion", "best district"],
    ...categories.map(([name, c]) => [
      name,
      c.impressions.toLocaleString("en"),
      c.clicks.toLocaleString("en"),
      percent(c.ctr, 2),
      percent(c.conversionRate, 1),
      c.bestDistrict,
    ]),
  ]))
    ui.detail(line);
  const totalsMatch = Object.entries(data.totals).every(([name, t]) => {
    const c = result.categories[name];
    return (
      c?.impressions === t.impressions && c.clicks === t.clicks && c.conversions === t.conversions
    );
  });
  ui[totalsMatch ? "ok" : "refused"](
    `totals ${totalsMatch ? "match" : "DIFFER from"} the published data; overall CTR ${percent(result.overall.ctr, 2)}`,
  );
  return {
    dealId: deal.dealId,
    taskId,
    trust: Number(deal.deal.trust),
    result,
    totalsMatch,
    contributions,
  };
}

async function workerState(ctx: DemoContext, worker: string) {
  const [[stake, locked], score] = await Promise.all([
    ctx.client.hub.accountOf(worker),
    ctx.client.taskManager.workerScore(worker),
  ]);
  return { balance: stake + locked, score: Number(score) };
}
