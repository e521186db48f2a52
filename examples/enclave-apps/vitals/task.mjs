// Example TEE app: flags heart-rate anomalies in a CSV dataset (t,hr,spo2).
// Inputs: <in>/dataset (decrypted), <in>/params.json, <in>/secrets.json. Output: <out>/result.json.
// The default export runs one task: app.mjs calls it once per process; an enclave config with
// "reuse": "deal" and entrypoint task.mjs calls it per task in a warm sandbox.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export default function vitals(inDir, outDir) {
  const rows = readFileSync(join(inDir, "dataset"), "utf8").trim().split("\n").slice(1);
  const params = JSON.parse(readFileSync(join(inDir, "params.json"), "utf8"));
  const secrets = JSON.parse(readFileSync(join(inDir, "secrets.json"), "utf8"));
  const threshold = Number(/--threshold (\d+)/.exec(params.args ?? "")?.[1] ?? 100);
  const anomalies = rows
    .map((r) => r.split(",").map(Number))
    .filter(([, hr]) => hr > threshold)
    .map(([t, hr]) => ({ t, hr }));
  writeFileSync(
    join(outDir, "result.json"),
    JSON.stringify({
      rows: rows.length,
      threshold,
      anomalies,
      appSecretSeen: Boolean(secrets.appSecret),
    }),
  );
}
