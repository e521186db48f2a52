// e-Health anomaly detection, run in an enclave on the hospital's decrypted vital signs.
// argv: <in> <out>. <in>/dataset: CSV patient,ward,hour,hr,spo2,sbp,temp. <in>/params.json:
// {"args": "--ward icu"} ("all" or no flag: every ward). Writes <out>/result.json: the readings
// outside clinical limits, each with its robust z-score against the patient's own baseline.
// Only this summary leaves the enclave (encrypted for the research requester), never the rows.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const LIMITS = {
  hr: (v) => v > 120 || v < 45,
  spo2: (v) => v < 90,
  sbp: (v) => v > 180,
  temp: (v) => v > 39,
};

const [inDir, outDir] = process.argv.slice(2);
const params = JSON.parse(readFileSync(join(inDir, "params.json"), "utf8"));
const ward = /--ward ([a-z]+)/.exec(params.args ?? "")?.[1] ?? "all";
const [header, ...lines] = readFileSync(join(inDir, "dataset"), "utf8").trim().split("\n");
const cols = header.split(",");
const rows = lines
  .map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i], i < 2 ? v : Number(v)])))
  .filter((r) => ward === "all" || r.ward === ward);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const byPatient = new Map();
for (const r of rows) byPatient.set(r.patient, [...(byPatient.get(r.patient) ?? []), r]);

const anomalies = [];
for (const [patient, series] of byPatient) {
  for (const vital of Object.keys(LIMITS)) {
    const values = series.map((r) => r[vital]);
    const med = median(values);
    const mad = median(values.map((v) => Math.abs(v - med))) || 1;
    for (const r of series) {
      if (!LIMITS[vital](r[vital])) continue;
      const z = (r[vital] - med) / (1.4826 * mad);
      anomalies.push({ patient, hour: r.hour, vital, value: r[vital], z: Math.round(z * 10) / 10 });
    }
  }
}
anomalies.sort((a, b) => a.patient.localeCompare(b.patient) || a.hour - b.hour);
const byVital = Object.fromEntries(
  Object.keys(LIMITS).map((v) => [v, anomalies.filter((a) => a.vital === v).length]),
);
writeFileSync(
  join(outDir, "result.json"),
  JSON.stringify({
    ward,
    patients: byPatient.size,
    rows: rows.length,
    anomalies,
    byVital,
    patientsFlagged: new Set(anomalies.map((a) => a.patient)).size,
  }),
);
