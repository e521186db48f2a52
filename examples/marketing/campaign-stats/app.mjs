// Marketing campaign statistics: click-through rate (clicks / impressions) and conversion rate
// (conversions / clicks) per ad category, and the best district of each category.
// argv: <in> <out>. <in>/dataset: CSV district,category,day,impressions,clicks,conversions.
// Writes <out>/result.json. Deterministic: replicated workers must produce identical bytes.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [inDir, outDir] = process.argv.slice(2);
const [header, ...lines] = readFileSync(join(inDir, "dataset"), "utf8").trim().split("\n");
const cols = header.split(",");
const rows = lines.map((l) =>
  Object.fromEntries(l.split(",").map((v, i) => [cols[i], i < 2 ? v : Number(v)])),
);
const rate = (a, b) => (b === 0 ? 0 : Math.round((a / b) * 1e6) / 1e6);
const sum = (xs, k) => xs.reduce((s, r) => s + r[k], 0);

const categories = {};
for (const category of [...new Set(rows.map((r) => r.category))].sort()) {
  const of = rows.filter((r) => r.category === category);
  const districts = [...new Set(of.map((r) => r.district))].sort().map((district) => {
    const d = of.filter((r) => r.district === district);
    return { district, ctr: rate(sum(d, "clicks"), sum(d, "impressions")) };
  });
  const best = districts.reduce((a, b) => (b.ctr > a.ctr ? b : a));
  const impressions = sum(of, "impressions");
  const clicks = sum(of, "clicks");
  const conversions = sum(of, "conversions");
  categories[category] = {
    impressions,
    clicks,
    conversions,
    ctr: rate(clicks, impressions),
    conversionRate: rate(conversions, clicks),
    bestDistrict: best.district,
  };
}
const impressions = sum(rows, "impressions");
const clicks = sum(rows, "clicks");
writeFileSync(
  join(outDir, "result.json"),
  JSON.stringify({
    rows: rows.length,
    categories,
    overall: {
      impressions,
      clicks,
      conversions: sum(rows, "conversions"),
      ctr: rate(clicks, impressions),
    },
  }),
);
