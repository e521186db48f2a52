/**
 * e-Health data set: hourly vital signs of hospital patients, with a few injected anomalies
 * (tachycardia or bradycardia, low SpO2, hypertensive peaks, fever). Deterministic for a seed.
 * Writes `vitals.csv` (the data set the hospital encrypts) and `truth.json` (the injected
 * anomalies, to check the analysis against; it never leaves the hospital).
 *
 * Run: npx tsx examples/e-health/generate-data.ts --out <dir> [--seed 7] [--patients 60] [--hours 24]
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { flag, isMain, seeded } from "../lib/random.js";

export const WARDS = ["icu", "cardiology", "general"] as const;
export type Ward = (typeof WARDS)[number];
export type Vital = "hr" | "spo2" | "sbp" | "temp";

/** One anomaly the generator injected. */
export interface InjectedAnomaly {
  patient: string;
  ward: Ward;
  hour: number;
  vital: Vital;
  value: number;
}

export interface EHealthOptions {
  seed?: number;
  patients?: number;
  hours?: number;
  /** Share of rows with one abnormal vital (default 0.015). */
  anomalyRate?: number;
}

export interface EHealthData {
  csvPath: string;
  truthPath: string;
  rows: number;
  anomalies: InjectedAnomaly[];
}

const clip = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const round1 = (v: number) => Math.round(v * 10) / 10;

/** Generates the data set into `outDir`. @example await generateEHealthData("data", { seed: 7 }) */
export async function generateEHealthData(
  outDir: string,
  opts: EHealthOptions = {},
): Promise<EHealthData> {
  const r = seeded(opts.seed ?? 7);
  const patients = opts.patients ?? 60;
  const hours = opts.hours ?? 24;
  const rate = opts.anomalyRate ?? 0.015;
  const lines = ["patient,ward,hour,hr,spo2,sbp,temp"];
  const anomalies: InjectedAnomaly[] = [];
  for (let p = 0; p < patients; p++) {
    const patient = `P${String(p + 1).padStart(3, "0")}`;
    const ward = WARDS[p % WARDS.length];
    const base = { hr: r.normal(76, 6), sbp: r.normal(122, 8) };
    for (let hour = 0; hour < hours; hour++) {
      const v: Record<Vital, number> = {
        hr: Math.round(clip(r.normal(base.hr, 5), 55, 105)),
        spo2: Math.round(clip(r.normal(97, 1), 93, 100)),
        sbp: Math.round(clip(r.normal(base.sbp, 7), 100, 150)),
        temp: round1(clip(r.normal(36.8, 0.25), 36.1, 37.6)),
      };
      if (r.next() < rate) {
        const vital = r.pick<Vital>(["hr", "hr", "spo2", "sbp", "temp"]);
        v[vital] =
          vital === "hr"
            ? r.next() < 0.8
              ? r.int(128, 165)
              : r.int(35, 42)
            : vital === "spo2"
              ? r.int(80, 88)
              : vital === "sbp"
                ? r.int(182, 215)
                : round1(39.2 + r.next() * 1.4);
        anomalies.push({ patient, ward, hour, vital, value: v[vital] });
      }
      lines.push([patient, ward, hour, v.hr, v.spo2, v.sbp, v.temp].join(","));
    }
  }
  await mkdir(outDir, { recursive: true });
  const csvPath = join(outDir, "vitals.csv");
  const truthPath = join(outDir, "truth.json");
  await writeFile(csvPath, lines.join("\n") + "\n");
  await writeFile(truthPath, JSON.stringify(anomalies, null, 2) + "\n");
  return { csvPath, truthPath, rows: lines.length - 1, anomalies };
}

if (isMain(import.meta.url)) {
  const argv = process.argv.slice(2);
  const data = await generateEHealthData(flag(argv, "out", "e-health-data"), {
    seed: Number(flag(argv, "seed", "7")),
    patients: Number(flag(argv, "patients", "60")),
    hours: Number(flag(argv, "hours", "24")),
  });
  console.log(`${data.rows} rows, ${data.anomalies.length} injected anomalies -> ${data.csvPath}`);
}
