/**
 * Marketing campaign data set: daily impressions, clicks and conversions of a city campaign per
 * district and ad category. Not personal data: published in clear, so standard (non-TEE) workers
 * can read it and a replicated deal vouches for the result. Deterministic for a seed.
 *
 * Run: npx tsx examples/marketing/generate-data.ts --out <dir> [--seed 11] [--days 7]
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { flag, isMain, seeded } from "../lib/random.js";

export const DISTRICTS = [
  "old-town",
  "harbour",
  "university",
  "riverside",
  "north-park",
  "station",
  "market-hill",
  "west-end",
] as const;

/** Each category's true click-through and conversion rates (what the analysis should find). */
export const CATEGORIES = {
  transport: { ctr: 0.018, conversion: 0.05 },
  culture: { ctr: 0.031, conversion: 0.08 },
  sports: { ctr: 0.024, conversion: 0.06 },
  "local-shops": { ctr: 0.042, conversion: 0.12 },
  events: { ctr: 0.036, conversion: 0.09 },
} as const;

export interface MarketingData {
  csvPath: string;
  rows: number;
  /** Totals per category, as the app must report them. */
  totals: Record<string, { impressions: number; clicks: number; conversions: number }>;
}

/** Generates `campaign.csv` into `outDir`. */
export async function generateMarketingData(
  outDir: string,
  opts: { seed?: number; days?: number } = {},
): Promise<MarketingData> {
  const r = seeded(opts.seed ?? 11);
  const days = opts.days ?? 7;
  const lines = ["district,category,day,impressions,clicks,conversions"];
  const totals: MarketingData["totals"] = {};
  for (const district of DISTRICTS) {
    const reach = 0.6 + r.next() * 0.9;
    const affinity = r.normal(1, 0.08);
    for (const [category, rates] of Object.entries(CATEGORIES)) {
      const t = (totals[category] ??= { impressions: 0, clicks: 0, conversions: 0 });
      for (let day = 1; day <= days; day++) {
        const impressions = Math.round(r.int(2_000, 9_000) * reach);
        const clicks = Math.round(impressions * rates.ctr * affinity * r.normal(1, 0.05));
        const conversions = Math.round(clicks * rates.conversion * r.normal(1, 0.1));
        lines.push([district, category, day, impressions, clicks, conversions].join(","));
        t.impressions += impressions;
        t.clicks += clicks;
        t.conversions += conversions;
      }
    }
  }
  await mkdir(outDir, { recursive: true });
  const csvPath = join(outDir, "campaign.csv");
  await writeFile(csvPath, lines.join("\n") + "\n");
  return { csvPath, rows: lines.length - 1, totals };
}

if (isMain(import.meta.url)) {
  const argv = process.argv.slice(2);
  const data = await generateMarketingData(flag(argv, "out", "marketing-data"), {
    seed: Number(flag(argv, "seed", "11")),
    days: Number(flag(argv, "days", "7")),
  });
  console.log(`${data.rows} rows -> ${data.csvPath}`);
}
