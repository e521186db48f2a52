import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ZeroAddress } from "ethers";
import { fileURLToPath } from "node:url";
import { sha256Hex } from "../../../src/core/crypto/bytes.js";
import { encryptDataset } from "../../../src/core/crypto/datasetFile.js";
import type { Deal } from "../../../src/core/deal.js";
import {
  enclaveConfigHash,
  loadBundle,
  measureApp,
  type EnclaveConfig,
} from "../../../src/enclave/measurement.js";
import { ONE, deployFixture, fund, type PolisFixture } from "../../helpers/fixture.js";
import { buildOrders, match, signOrders } from "../../helpers/market.js";

export const APPS_DIR = fileURLToPath(new URL("../../../examples/enclave-apps/", import.meta.url));

export const VITALS_CSV = "t,hr,spo2\n0,72,98\n1,75,97\n2,131,95\n3,70,99\n4,142,93\n";

export const VITALS_CONFIG: EnclaveConfig = {
  entrypoint: "app.mjs",
  runtime: "node",
  limits: { cpuMs: 5_000, memoryMb: 128, outputBytes: 1 << 20, wallMs: 10_000 },
  debug: false,
};

export interface TeeMarket {
  f: PolisFixture;
  app: string;
  dataset: string;
  workerpool: string;
  bundlePath: string;
  config: EnclaveConfig;
  mrenclave: string;
  datasetKey: Buffer;
  datasetFile: Buffer;
  datasetChecksum: string;
  /** Where the encrypted dataset is served (file path; tests may serve it over HTTP too). */
  datasetPath: string;
}

/**
 * Deploys Polis and registers the vitals app with its real measurement, an encrypted dataset with
 * its real sha256 checksum, and a pool; funds requester and pool owner.
 */
export async function teeMarketFixture(): Promise<TeeMarket> {
  const f = await deployFixture();
  const bundlePath = join(APPS_DIR, "vitals");
  const bundle = await loadBundle(bundlePath);
  const config = VITALS_CONFIG;
  const mrenclave = measureApp(bundle, config);
  const appParams = {
    name: "vitals-anomalies",
    uri: "file://examples/enclave-apps/vitals",
    checksum: sha256Hex(bundle),
    mrenclave,
    enclaveConfigHash: enclaveConfigHash(config),
  };
  const { appOwner, datasetOwner, poolOwner, requester } = f.actors;
  const app = await f.appRegistry.predictApp(appOwner.address, appParams);
  await (await f.appRegistry.connect(appOwner).createApp(appParams)).wait();

  const { file, key, checksum } = encryptDataset(Buffer.from(VITALS_CSV));
  // Under test-artifacts/ (gitignored), replaced on every run: nothing piles up in /tmp.
  const dir = join(process.cwd(), "test-artifacts", "enclave");
  mkdirSync(dir, { recursive: true });
  const datasetPath = join(dir, `vitals-${process.pid}.enc`);
  writeFileSync(datasetPath, file);
  const dsParams = { name: "patient-vitals", uri: datasetPath, checksum };
  const dataset = await f.datasetRegistry.predictDataset(datasetOwner.address, dsParams);
  await (await f.datasetRegistry.connect(datasetOwner).createDataset(dsParams)).wait();

  const poolParams = {
    description: "tee pool",
    resourceClass: 0,
    location: "eu-west/paris",
    workerStakeRatio: 30,
    schedulerRewardRatio: 20,
    scheduler: ZeroAddress,
  };
  const workerpool = await f.workerpoolRegistry.predictWorkerpool(poolOwner.address, poolParams);
  await (await f.workerpoolRegistry.connect(poolOwner).createWorkerpool(poolParams)).wait();
  await fund(f, requester, 1_000n * ONE);
  await fund(f, poolOwner, 1_000n * ONE);
  return {
    f,
    app,
    dataset,
    workerpool,
    bundlePath,
    config,
    mrenclave,
    datasetKey: key,
    datasetFile: file,
    datasetChecksum: checksum,
    datasetPath,
  };
}

/** Matches a TEE deal of `volume` tasks over the market's app and dataset. */
export async function matchTeeDeal(
  m: TeeMarket,
  volume = 1n,
): Promise<{ dealId: string; deal: Deal }> {
  const orders = await buildOrders(
    m.f,
    { app: m.app, dataset: m.dataset, workerpool: m.workerpool },
    { volume },
  );
  const { dealId, deal } = await match(m.f, await signOrders(m.f, orders));
  return { dealId, deal };
}

/** Serves `body` at http://127.0.0.1:<port>/ until closed. */
export async function serveBytes(body: Buffer): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-length": body.length });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/vitals.enc`, server };
}

export { writeFileSync };
