import { mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { ZeroAddress, ZeroHash } from "ethers";
import type { Wallet } from "ethers";
import { OrderKind } from "../../src/core/index.js";
import { sha256Hex } from "../../src/core/crypto/index.js";
import {
  enclaveConfigHash,
  loadBundle,
  measureApp,
  validateEnclaveConfig,
} from "../../src/core/measurement.js";
import { createApp } from "../../src/sdk/actions/assets/createApp.js";
import { createDataset } from "../../src/sdk/actions/assets/createDataset.js";
import { encryptDatasetFile } from "../../src/sdk/actions/datasets/encryptDatasetFile.js";
import { buildAppOrder } from "../../src/sdk/actions/orders/buildAppOrder.js";
import { buildDatasetOrder } from "../../src/sdk/actions/orders/buildDatasetOrder.js";
import { signOrder } from "../../src/sdk/actions/orders/signOrder.js";
import { as } from "./context.js";
import type { DemoContext } from "./context.js";

/** An app registered from one of the examples' bundle folders. */
export interface DeployedApp {
  app: string;
  name: string;
  checksum: string;
  /** Zero for standard (non-TEE) apps. */
  mrenclave: string;
}

/**
 * Registers an example app the way `polis app deploy --bundle <folder> [--enclave-config]` does:
 * the folder is packed into the deterministic archive workers download (its URI), the checksum
 * is the archive's sha256, and TEE apps get the enclave measurement of archive + enclave.json.
 */
export async function deployExampleApp(
  ctx: DemoContext,
  owner: Wallet,
  p: { folder: string; name: string; tee: boolean },
): Promise<DeployedApp> {
  const bundle = await loadBundle(p.folder);
  const dir = join(ctx.dataDir, "apps");
  await mkdir(dir, { recursive: true });
  const archive = join(dir, `${basename(p.folder)}.polis`);
  await writeFile(archive, bundle);
  const config = validateEnclaveConfig(
    JSON.parse(await readFile(join(p.folder, "enclave.json"), "utf8")),
  );
  const checksum = sha256Hex(bundle);
  const mrenclave = p.tee ? measureApp(bundle, config) : ZeroHash;
  const { app } = await createApp(as(ctx, owner), {
    name: p.name,
    uri: `file://${archive}`,
    checksum,
    mrenclave,
    enclaveConfigHash: p.tee ? enclaveConfigHash(config) : ZeroHash,
  });
  return { app, name: p.name, checksum, mrenclave };
}

/** A data set registered on-chain; for encrypted ones, the owner's key file. */
export interface RegisteredDataset {
  dataset: string;
  /** The file workers fetch (its on-chain URI). */
  path: string;
  checksum: string;
  keyPath?: string;
}

/**
 * Encrypts a file (AES-256-GCM, `polis dataset encrypt`) and registers the encrypted file as a
 * data set. The key stays with the owner until pushed to the SMS.
 */
export async function registerEncryptedDataset(
  ctx: DemoContext,
  owner: Wallet,
  p: { name: string; plainPath: string },
): Promise<RegisteredDataset> {
  const enc = await encryptDatasetFile({ input: p.plainPath, output: `${p.plainPath}.enc` });
  const { dataset } = await createDataset(as(ctx, owner), {
    name: p.name,
    uri: enc.output,
    checksum: enc.checksum,
  });
  return { dataset, path: enc.output, checksum: enc.checksum, keyPath: enc.keyPath };
}

/** Registers a clear file as a data set (standard tasks can read it, nothing to protect). */
export async function registerClearDataset(
  ctx: DemoContext,
  owner: Wallet,
  p: { name: string; path: string },
): Promise<RegisteredDataset> {
  const checksum = sha256Hex(await readFile(p.path));
  const { dataset } = await createDataset(as(ctx, owner), { name: p.name, uri: p.path, checksum });
  return { dataset, path: p.path, checksum };
}

/** Pushes a data set's key to the SMS, signed by the data set's owner. */
export async function pushDatasetKey(
  ctx: DemoContext,
  owner: Wallet,
  d: RegisteredDataset,
): Promise<void> {
  const key = Buffer.from((await readFile(d.keyPath!, "utf8")).trim(), "base64");
  await ctx.sms.pushSecret({ signer: owner, kind: "dataset-key", target: d.dataset, value: key });
}

/** Signs an app order and publishes it to the market. */
export async function publishAppOrder(
  ctx: DemoContext,
  owner: Wallet,
  p: { app: string; price: bigint; tag: string; volume?: bigint },
): Promise<string> {
  const client = as(ctx, owner);
  const unsigned = await buildAppOrder(client, { volume: 100n, ...p });
  const { order } = await signOrder(client, { kind: OrderKind.App, order: unsigned });
  return (await ctx.market.publishOrder(OrderKind.App, order)).orderHash;
}

/** Signs a data set order (with its restrictions) and publishes it to the market. */
export async function publishDatasetOrder(
  ctx: DemoContext,
  owner: Wallet,
  p: {
    dataset: string;
    price: bigint;
    tag: string;
    volume?: bigint;
    appRestrict?: string;
    requesterRestrict?: string;
  },
): Promise<string> {
  const client = as(ctx, owner);
  const unsigned = await buildDatasetOrder(client, {
    volume: 100n,
    appRestrict: ZeroAddress,
    requesterRestrict: ZeroAddress,
    ...p,
  });
  const { order } = await signOrder(client, { kind: OrderKind.Dataset, order: unsigned });
  return (await ctx.market.publishOrder(OrderKind.Dataset, order)).orderHash;
}
