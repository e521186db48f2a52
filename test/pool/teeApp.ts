import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ZeroAddress } from "ethers";
import { encryptDataset, sha256Hex } from "../../src/core/crypto/index.js";
import {
  enclaveConfigHash,
  loadBundle,
  measureApp,
  type EnclaveConfig,
} from "../../src/core/measurement.js";
import type { PolisFixture } from "../helpers/fixture.js";
import { APPS_DIR, VITALS_CSV } from "../enclave/helpers/teeMarket.js";

export const VITALS_BUNDLE_CONFIG: EnclaveConfig = {
  entrypoint: "app.mjs",
  runtime: "node",
  limits: { cpuMs: 5_000, memoryMb: 128, outputBytes: 1_000_000, wallMs: 20_000 },
  debug: false,
};

/** The same app in a warm sandbox per deal: task.mjs's default export runs each task. */
export const VITALS_WARM_CONFIG: EnclaveConfig = {
  ...VITALS_BUNDLE_CONFIG,
  entrypoint: "task.mjs",
  reuse: "deal",
};

export interface TeePoolAssets {
  app: string;
  dataset: string;
  workerpool: string;
  datasetKey: Buffer;
  dir: string;
}

/**
 * Registers the vitals example as a real TEE app (bundle folder with its enclave.json, measured),
 * an encrypted vitals dataset served from a file, and a pool; the app bundle and the dataset are
 * what workers fetch through their on-chain URIs.
 */
export async function registerTeeAssets(
  f: PolisFixture,
  config: EnclaveConfig = VITALS_BUNDLE_CONFIG,
): Promise<TeePoolAssets> {
  const dir = mkdtempSync(join(tmpdir(), "polis-tee-assets-"));
  const appDir = join(dir, "vitals");
  mkdirSync(appDir);
  for (const file of ["app.mjs", "task.mjs"])
    cpSync(join(APPS_DIR, "vitals", file), join(appDir, file));
  writeFileSync(join(appDir, "enclave.json"), JSON.stringify(config));
  const bundle = await loadBundle(appDir);
  const { appOwner, datasetOwner, poolOwner } = f.actors;
  const appParams = {
    name: "vitals",
    uri: `file://${appDir}`,
    checksum: sha256Hex(bundle),
    mrenclave: measureApp(bundle, config),
    enclaveConfigHash: enclaveConfigHash(config),
  };
  const app = await f.appRegistry.predictApp(appOwner.address, appParams);
  await (await f.appRegistry.connect(appOwner).createApp(appParams)).wait();
  const { file, key, checksum } = encryptDataset(Buffer.from(VITALS_CSV));
  const datasetPath = join(dir, "vitals.enc");
  writeFileSync(datasetPath, file);
  const dsParams = { name: "vitals", uri: datasetPath, checksum };
  const dataset = await f.datasetRegistry.predictDataset(datasetOwner.address, dsParams);
  await (await f.datasetRegistry.connect(datasetOwner).createDataset(dsParams)).wait();
  const poolParams = {
    description: "tee pool",
    resourceClass: 0,
    location: "eu",
    workerStakeRatio: 30,
    schedulerRewardRatio: 20,
    scheduler: ZeroAddress,
  };
  const workerpool = await f.workerpoolRegistry.predictWorkerpool(poolOwner.address, poolParams);
  await (await f.workerpoolRegistry.connect(poolOwner).createWorkerpool(poolParams)).wait();
  return { app, dataset, workerpool, datasetKey: key, dir };
}
