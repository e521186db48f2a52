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
 * the bench measure the pool, not the app.
 */
const APP_SOURCE = `import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
const [inDir, outDir] = process.argv.slice(2);
const params = JSON.parse(readFileSync(join(inDir, "params.json"), "utf8") || "{}");
const args = String(params.args ?? "");
if (/--fail\\b/.test(args)) process.exit(3);
const sleep = Number(/--sleep (\\d+)/.exec(args)?.[1] ?? 0);
if (sleep > 0) await new Promise((r) => setTimeout(r, sleep));
writeFileSync(join(outDir, "result.txt"), "ok " + args);
`;

export const POOL_APP_CONFIG: EnclaveConfig = {
  entrypoint: "app.mjs",
  runtime: "node",
  limits: { cpuMs: 5_000, memoryMb: 64, outputBytes: 65_536, wallMs: 30_000 },
  debug: false,
};

/** What AppRegistry.createApp needs for the pool test app. */
export interface PoolAppParams {
  name: string;
  uri: string;
  checksum: string;
  mrenclave: string;
  enclaveConfigHash: string;
}

/** Writes the app bundle folder (app.mjs + enclave.json) under `dir` and measures it. */
export async function writePoolApp(dir: string, name = "pool-app"): Promise<PoolAppParams> {
  const appDir = join(dir, name);
  mkdirSync(appDir, { recursive: true });
  writeFileSync(join(appDir, "app.mjs"), APP_SOURCE);
  writeFileSync(join(appDir, "enclave.json"), JSON.stringify(POOL_APP_CONFIG));
  const bundle = await loadBundle(appDir);
  return {
    name,
    uri: `file://${appDir}`,
    checksum: sha256Hex(bundle),
    mrenclave: measureApp(bundle, POOL_APP_CONFIG),
    enclaveConfigHash: enclaveConfigHash(POOL_APP_CONFIG),
  };
}
