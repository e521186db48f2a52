// Federated learning, aggregation step (FedAvg) inside an enclave. Its data set holds the
// districts' local results exactly as their enclaves encrypted them, to an aggregation key the
// SMS releases only to this measured app (requester secret "aggregationKey"), plus the city's
// held-out set. The enclave opens each update, averages the weights by sample count, and
// evaluates the joint model and each local model on the held-out set. No party outside an
// enclave ever sees a district's reading or its individual update: only the joint model leaves.
// argv: <in> <out>. <in>/dataset: JSON { updates: [{ district, taskId, blob }], holdout: CSV }.
import {
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hkdfSync,
} from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [inDir, outDir] = process.argv.slice(2);
const input = JSON.parse(readFileSync(join(inDir, "dataset"), "utf8"));
const secrets = JSON.parse(readFileSync(join(inDir, "secrets.json"), "utf8"));
const keyPem = secrets.requesterSecrets?.aggregationKey;
if (!keyPem) throw new Error("no aggregation key was released to this enclave");
const privateKey = createPrivateKey(keyPem);
const rawPublic = (key) => Buffer.from(key.export({ format: "jwk" }).x, "base64url");
const fromRaw = (raw) =>
  createPublicKey({ key: { kty: "OKP", crv: "X25519", x: raw.toString("base64url") }, format: "jwk" });

// docs/PROTOCOLS.md §4: "POLISRS1" || ephemeral (32) || nonce (12) || ciphertext || tag (16),
// key = HKDF-SHA256(ECDH, salt = ephemeral || recipient, "polis/result/v1"), AAD = task id.
function openResult(blob, taskId) {
  if (blob.subarray(0, 8).toString("ascii") !== "POLISRS1") throw new Error("not a result blob");
  const ephemeral = blob.subarray(8, 40);
  const nonce = blob.subarray(40, 52);
  const body = blob.subarray(52, blob.length - 16);
  const tag = blob.subarray(blob.length - 16);
  const shared = diffieHellman({ privateKey, publicKey: fromRaw(ephemeral) });
  const salt = Buffer.concat([ephemeral, rawPublic(createPublicKey(privateKey))]);
  const key = Buffer.from(hkdfSync("sha256", shared, salt, "polis/result/v1", 32));
  const decipher = createDecipheriv("aes-256-gcm", key, nonce);
  decipher.setAAD(Buffer.from(taskId.slice(2), "hex"));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]);
}

// "POLISAR1" || u32 count || (u16 path length || path || u64 size || bytes)*, big-endian.
function readArchiveFile(archive, wanted) {
  let at = 12;
  for (let i = 0; i < archive.readUInt32BE(8); i++) {
    const pathLength = archive.readUInt16BE(at);
    const path = archive.subarray(at + 2, at + 2 + pathLength).toString("utf8");
    const size = Number(archive.readBigUInt64BE(at + 2 + pathLength));
    const start = at + 10 + pathLength;
    if (path === wanted) return archive.subarray(start, start + size);
    at = start + size;
  }
  throw new Error(`no ${wanted} in the result`);
}

const updates = input.updates.map((u) => ({
  district: u.district,
  taskId: u.taskId,
  ...JSON.parse(readArchiveFile(openResult(Buffer.from(u.blob, "base64"), u.taskId), "result.json")),
}));
const total = updates.reduce((s, u) => s + u.n, 0);
const d = updates[0].weights.length;
const weights = Array.from({ length: d }, (_, j) =>
  updates.reduce((s, u) => s + (u.weights[j] * u.n) / total, 0),
);
const bias = updates.reduce((s, u) => s + (u.bias * u.n) / total, 0);

const holdout = input.holdout.trim().split("\n").slice(1).map((l) => l.split(",").map(Number));
const accuracy = (w, b) =>
  holdout.filter((row) => {
    const z = row.slice(0, -1).reduce((s, v, j) => s + v * w[j], b);
    return (z >= 0 ? 1 : 0) === row[row.length - 1];
  }).length / holdout.length;

writeFileSync(
  join(outDir, "result.json"),
  JSON.stringify({
    model: { features: updates[0].features, weights, bias },
    accuracy: accuracy(weights, bias),
    holdoutRows: holdout.length,
    samples: total,
    districts: updates.map((u) => ({
      district: u.district,
      taskId: u.taskId,
      n: u.n,
      holdoutAccuracy: accuracy(u.weights, u.bias),
    })),
  }),
);
