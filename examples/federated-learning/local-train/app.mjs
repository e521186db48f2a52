// Federated learning, local step: trains a logistic regression on one district's decrypted
// readings inside its enclave, starting from the global model in the params (zero if none).
// argv: <in> <out>. <in>/dataset: CSV of features then the 0/1 label. <in>/params.json:
// {"args": "--epochs 300 --lr 0.3"}. Writes <out>/result.json: the updated weights, the sample
// count and the training loss. Only this update leaves the enclave, never a reading.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [inDir, outDir] = process.argv.slice(2);
const args = JSON.parse(readFileSync(join(inDir, "params.json"), "utf8")).args ?? "";
const arg = (name, fallback) => Number(new RegExp(`--${name} ([0-9.]+)`).exec(args)?.[1] ?? fallback);
const epochs = arg("epochs", 300);
const lr = arg("lr", 0.3);
const l2 = arg("l2", 0.001);

const [header, ...lines] = readFileSync(join(inDir, "dataset"), "utf8").trim().split("\n");
const features = header.split(",").slice(0, -1);
const data = lines.map((l) => l.split(",").map(Number));
const X = data.map((row) => row.slice(0, -1));
const y = data.map((row) => row[row.length - 1]);
const n = X.length;
const d = features.length;

const sigmoid = (z) => 1 / (1 + Math.exp(-z));
let w = new Array(d).fill(0);
let b = 0;
for (let epoch = 0; epoch < epochs; epoch++) {
  const gw = new Array(d).fill(0);
  let gb = 0;
  for (let i = 0; i < n; i++) {
    const err = sigmoid(X[i].reduce((s, v, j) => s + v * w[j], b)) - y[i];
    for (let j = 0; j < d; j++) gw[j] += err * X[i][j];
    gb += err;
  }
  w = w.map((wj, j) => wj - lr * (gw[j] / n + l2 * wj));
  b -= (lr * gb) / n;
}
let loss = 0;
let correct = 0;
for (let i = 0; i < n; i++) {
  const p = sigmoid(X[i].reduce((s, v, j) => s + v * w[j], b));
  loss -= y[i] * Math.log(p + 1e-12) + (1 - y[i]) * Math.log(1 - p + 1e-12);
  correct += (p >= 0.5 ? 1 : 0) === y[i] ? 1 : 0;
}
writeFileSync(
  join(outDir, "result.json"),
  JSON.stringify({ features, n, weights: w, bias: b, loss: loss / n, trainAccuracy: correct / n }),
);
