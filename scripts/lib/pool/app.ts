import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sha256Hex } from "../../../src/core/crypto/bytes.js";
import {
  enclaveConfigHash,
  loadBundle,
  measureApp,
  type EnclaveConfig,
} from "../../../src/core/measurement.js";

/**
 * The pool test app: reads the request's `args` ("--sleep <ms>", "--fail"), sleeps that long
 * without using CPU, and writes result.txt (`ok <args>`). Trivial on purpose: the pool tests and
 * the bench measure the pool, not the app. task.mjs does one task (the entry of a warm sandbox);
 * app.mjs runs it as a process per task (exit 3 on --fail).
 */
const TASK_SOURCE = `import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
export default async function task(inDir, outDir) {
  const params = JSON.parse(readFileSync(join(inDir, "params.json"), "utf8") || "{}");
  const args = String(params.args ?? "");
  if (/--fail\\b/.test(args)) throw new Error("asked to fail");
  const sleep = Number(/--sleep (\\d+)/.exec(args)?.[1] ?? 0);
  if (sleep > 0) await new Promise((r) => setTimeout(r, sleep));
  writeFileSync(join(outDir, "result.txt"), "ok " + args);
}
`;
const APP_SOURCE = `import task from "./task.mjs";
const [inDir, outDir] = process.argv.slice(2);
await task(inDir, outDir).catch(() => process.exit(3));
`;

export const POOL_APP_CONFIG: EnclaveConfig = {
  entrypoint: "app.mjs",
  runtime: "node",
  limits: { cpuMs: 5_000, memoryMb: 64, outputBytes: 65_536, wallMs: 30_000 },
  debug: false,
};

/** The same app in a warm sandbox per deal (`"reuse": "deal"`). */
export const POOL_WARM_APP_CONFIG: EnclaveConfig = {
  ...POOL_APP_CONFIG,
  entrypoint: "task.mjs",
  reuse: "deal",
};

/** What AppRegistry.createApp needs for the pool test app. */
export interface PoolAppParams {
  name: string;
  uri: string;
  checksum: string;
  mrenclave: string;
  enclaveConfigHash: string;
}

/** Writes the app bundle folder (app.mjs, task.mjs, enclave.json) under `dir` and measures it. */
export async function writePoolApp(
  dir: string,
  name = "pool-app",
  config: EnclaveConfig = POOL_APP_CONFIG,
): Promise<PoolAppParams> {
  const appDir = join(dir, name);
  mkdirSync(appDir, { recursive: true });
  writeFileSync(join(appDir, "app.mjs"), APP_SOURCE);
  writeFileSync(join(appDir, "task.mjs"), TASK_SOURCE);
  writeFileSync(join(appDir, "enclave.json"), JSON.stringify(config));
  const bundle = await loadBundle(appDir);
  return {
    name,
    uri: `file://${appDir}`,
    checksum: sha256Hex(bundle),
    mrenclave: measureApp(bundle, config),
    enclaveConfigHash: enclaveConfigHash(config),
  };
}
