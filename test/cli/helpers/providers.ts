import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseEther } from "ethers";
import type { Signer } from "ethers";
import { OrderKind, TEE_TAG, measureApp, orderDocumentToJson } from "../../../src/core/index.js";
import type { AnyOrder, EnclaveConfig } from "../../../src/core/index.js";
import { withSigner } from "../../../src/sdk/client.js";
import type { PolisClient } from "../../../src/sdk/client.js";
import {
  buildAppOrder,
  buildDatasetOrder,
  buildWorkerpoolOrder,
  createApp,
  createDataset,
  createWorkerpool,
  deposit,
  requestFaucet,
  signOrder,
} from "../../../src/sdk/index.js";
import type { PolisEnv } from "./polis.js";

export const ENCLAVE_CONFIG: EnclaveConfig = {
  entrypoint: "app.js",
  runtime: "node",
  limits: { cpuMs: 1000, memoryMb: 64, outputBytes: 1_000_000, wallMs: 5000 },
  debug: false,
};

/** The sellers of a market: an app owner, a dataset owner and a pool owner (anvil keys). */
export interface Providers {
  app: string;
  dataset: string;
  workerpool: string;
  appOwner: Signer;
  datasetOwner: Signer;
  poolOwner: Signer;
  worker: Signer;
  clients: { app: PolisClient; dataset: PolisClient; pool: PolisClient };
}

/** Registers a TEE app, a dataset and a pool through the SDK and funds the pool's stake. */
export async function setUpProviders(env: PolisEnv, label = "p"): Promise<Providers> {
  const appOwner = env.anvil.signer(1);
  const worker = env.anvil.signer(2);
  const poolOwner = env.anvil.signer(3);
  const datasetOwner = env.anvil.signer(4);
  const clients = {
    app: withSigner(env.client, appOwner),
    dataset: withSigner(env.client, datasetOwner),
    pool: withSigner(env.client, poolOwner),
  };
  const bundle = Buffer.from(`// ${label} app\n`);
  const { app } = await createApp(clients.app, {
    name: `${label}-app`,
    uri: `https://apps.example/${label}.js`,
    checksum: "0x" + "11".repeat(32),
    mrenclave: measureApp(bundle, ENCLAVE_CONFIG),
  });
  const { dataset } = await createDataset(clients.dataset, {
    name: `${label}-vitals`,
    uri: `https://data.example/${label}.enc`,
    checksum: "0x" + "22".repeat(32),
  });
  const { workerpool } = await createWorkerpool(clients.pool, {
    description: `${label} pool`,
    resourceClass: "fog",
  });
  await requestFaucet(clients.pool, { amount: parseEther("1000") });
  await deposit(clients.pool, { amount: parseEther("1000") });
  return { app, dataset, workerpool, appOwner, datasetOwner, poolOwner, worker, clients };
}

export interface OrderOptions {
  volume?: bigint;
  expiry?: bigint;
  sign?: boolean;
}

/** Writes signed (or unsigned) app, dataset and workerpool order files into the env dir. */
export async function writeOffers(
  env: PolisEnv,
  p: Providers,
  prefix: string,
  o: OrderOptions = {},
): Promise<{ app: string; dataset: string; workerpool: string }> {
  const volume = o.volume ?? 10n;
  const entries: Array<[string, OrderKind, PolisClient, AnyOrder]> = [
    [
      "app",
      OrderKind.App,
      p.clients.app,
      await buildAppOrder(env.client, {
        app: p.app,
        price: parseEther("3"),
        volume,
        tag: TEE_TAG,
        expiry: o.expiry,
      }),
    ],
    [
      "dataset",
      OrderKind.Dataset,
      p.clients.dataset,
      await buildDatasetOrder(env.client, {
        dataset: p.dataset,
        price: parseEther("2"),
        volume,
        expiry: o.expiry,
      }),
    ],
    [
      "workerpool",
      OrderKind.Workerpool,
      p.clients.pool,
      await buildWorkerpoolOrder(env.client, {
        workerpool: p.workerpool,
        price: parseEther("5"),
        volume,
        tag: TEE_TAG,
        expiry: o.expiry,
      }),
    ],
  ];
  const files: Record<string, string> = {};
  for (const [name, kind, client, unsigned] of entries) {
    const order =
      o.sign === false
        ? unsigned
        : (await signOrder(client, { kind, order: unsigned as never })).order;
    const file = `${prefix}-${name}.json`;
    await writeFile(join(env.dir, file), JSON.stringify(orderDocumentToJson({ kind, order })));
    files[name] = file;
  }
  return files as { app: string; dataset: string; workerpool: string };
}
