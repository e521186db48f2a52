/**
 * Federated learning data sets: three districts each hold their own air-quality sensor readings
 * (traffic, temperature, wind, humidity, industrial activity, standardised) labelled with whether
 * a pollution alert followed; the city keeps a held-out set to evaluate the joint model. The
 * districts' feature distributions differ (non-IID), the labelling rule is shared. Deterministic.
 *
 * Run: npx tsx examples/federated-learning/generate-data.ts --out <dir> [--seed 23] [--rows 400]
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { flag, isMain, seeded } from "../lib/random.js";
import type { Random } from "../lib/random.js";

export const FEATURES = ["traffic", "temperature", "wind", "humidity", "industry"] as const;

/** The labelling rule (unknown to the participants): logit = w . x + b. */
export const TRUE_MODEL = { weights: [1.8, 0.9, -1.6, 0.5, 1.4], bias: -0.4 };

/** Each district's mean shift per feature. */
export const DISTRICTS = {
  "industrial-east": [0.2, 0.1, -0.3, 0.0, 1.2],
  downtown: [1.1, 0.3, -0.5, 0.2, -0.2],
  "green-west": [-0.8, -0.2, 0.7, 0.3, -0.9],
} as const;

export type District = keyof typeof DISTRICTS;

export interface FederatedData {
  /** One CSV per district (what each district encrypts). */
  districts: Record<District, string>;
  /** The city's held-out evaluation set. */
  holdoutPath: string;
  rowsPerDistrict: number;
}

function sample(r: Random, shift: readonly number[], rows: number): string {
  const lines = [[...FEATURES, "alert"].join(",")];
  for (let i = 0; i < rows; i++) {
    const x = shift.map((m) => Math.round(r.normal(m, 1) * 1000) / 1000);
    const logit = x.reduce((s, v, j) => s + v * TRUE_MODEL.weights[j], TRUE_MODEL.bias);
    const y = r.next() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
    lines.push([...x, y].join(","));
  }
  return lines.join("\n") + "\n";
}

/** Generates the three district data sets and the held-out set into `outDir`. */
export async function generateFederatedData(
  outDir: string,
  opts: { seed?: number; rows?: number; holdoutRows?: number } = {},
): Promise<FederatedData> {
  const r = seeded(opts.seed ?? 23);
  const rows = opts.rows ?? 400;
  await mkdir(outDir, { recursive: true });
  const districts = {} as Record<District, string>;
  for (const [name, shift] of Object.entries(DISTRICTS) as [District, readonly number[]][]) {
    districts[name] = join(outDir, `${name}.csv`);
    await writeFile(districts[name], sample(r, shift, rows));
  }
  const holdoutPath = join(outDir, "holdout.csv");
  const cityMix = [0.2, 0.1, -0.1, 0.2, 0.0];
  await writeFile(holdoutPath, sample(r, cityMix, opts.holdoutRows ?? 600));
  return { districts, holdoutPath, rowsPerDistrict: rows };
}

if (isMain(import.meta.url)) {
  const argv = process.argv.slice(2);
  const data = await generateFederatedData(flag(argv, "out", "fl-data"), {
    seed: Number(flag(argv, "seed", "23")),
    rows: Number(flag(argv, "rows", "400")),
  });
  console.log(`3 x ${data.rowsPerDistrict} rows + held-out set -> ${data.holdoutPath}`);
}
