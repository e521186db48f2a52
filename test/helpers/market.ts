import { BaseWallet, Wallet, ZeroAddress, ZeroHash, keccak256, toUtf8Bytes } from "ethers";
import type { ContractTransactionReceipt, Signer } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  NO_TAG,
  OrderKind,
  TEE_TAG,
  expiryIn,
  noDatasetOrder,
  orderHash,
  randomSalt,
  resultHash,
  resultSeal,
  signAttestationStatement,
  signEnclaveResult,
  signOrder,
  signWorkerAuthorization,
  taskId as computeTaskId,
  toDeal,
} from "../../src/core/index.js";
import type {
  AppOrder,
  DatasetOrder,
  Deal,
  RequestOrder,
  WorkerpoolOrder,
} from "../../src/core/index.js";
import { ONE, ethers, type PolisFixture } from "./fixture.js";

export const MRENCLAVE = keccak256(toUtf8Bytes("polis test enclave"));

export interface Assets {
  app: string;
  dataset: string;
  workerpool: string;
}

/** Registers one app (with a measurement), one dataset and one pool, owned by the fixture actors. */
export async function createAssets(f: PolisFixture, label = "test"): Promise<Assets> {
  const { appOwner, datasetOwner, poolOwner } = f.actors;
  const appParams = {
    name: `${label}-app`,
    uri: `ipfs://${label}-app`,
    checksum: keccak256(toUtf8Bytes(`${label}-bundle`)),
    mrenclave: MRENCLAVE,
    enclaveConfigHash: keccak256(toUtf8Bytes(`${label}-config`)),
  };
  const app = await f.appRegistry.predictApp(appOwner.address, appParams);
  await (await f.appRegistry.connect(appOwner).createApp(appParams)).wait();
  const datasetParams = {
    name: `${label}-dataset`,
    uri: `https://data.example/${label}`,
    checksum: keccak256(toUtf8Bytes(`${label}-data`)),
  };
  const dataset = await f.datasetRegistry.predictDataset(datasetOwner.address, datasetParams);
  await (await f.datasetRegistry.connect(datasetOwner).createDataset(datasetParams)).wait();
  const poolParams = {
    description: `${label}-pool`,
    resourceClass: 0,
    location: "eu-west/paris",
    workerStakeRatio: 30,
    schedulerRewardRatio: 20,
    scheduler: ZeroAddress,
  };
  const workerpool = await f.workerpoolRegistry.predictWorkerpool(poolOwner.address, poolParams);
  await (await f.workerpoolRegistry.connect(poolOwner).createWorkerpool(poolParams)).wait();
  return { app, dataset, workerpool };
}

export interface OrderSet {
  appOrder: AppOrder;
  datasetOrder: DatasetOrder;
  workerpoolOrder: WorkerpoolOrder;
  requestOrder: RequestOrder;
}

export interface OrderOptions {
  volume?: bigint;
  trust?: bigint;
  tee?: boolean;
  category?: bigint;
  appPrice?: bigint;
  datasetPrice?: bigint;
  workerpoolPrice?: bigint;
  callback?: string;
  requester?: HardhatEthersSigner;
  now?: bigint;
  /** Seconds from `now` until every order expires (default one day). */
  expiresIn?: bigint;
  /** false: a dataset-less deal (empty dataset order, request names no dataset). */
  dataset?: boolean;
}

/** Unsigned, mutually compatible orders for `assets`. */
export async function buildOrders(
  f: PolisFixture,
  assets: Assets,
  o: OrderOptions = {},
): Promise<OrderSet> {
  const volume = o.volume ?? 1n;
  const tag = o.tee === false ? NO_TAG : TEE_TAG;
  const provider = f.hub.runner?.provider ?? ethers.provider;
  const now = o.now ?? BigInt((await provider.getBlock("latest"))!.timestamp);
  const expiry = expiryIn(o.expiresIn ?? 3600n * 24n, now);
  const requester = o.requester ?? f.actors.requester;
  const appPrice = o.appPrice ?? 3n * ONE;
  const datasetPrice = o.datasetPrice ?? 2n * ONE;
  const workerpoolPrice = o.workerpoolPrice ?? 5n * ONE;
  const set: OrderSet = {
    appOrder: {
      app: assets.app,
      price: appPrice,
      volume,
      tag,
      datasetRestrict: ZeroAddress,
      workerpoolRestrict: ZeroAddress,
      requesterRestrict: ZeroAddress,
      expiry,
      salt: randomSalt(),
      signature: "0x",
    },
    datasetOrder: {
      dataset: assets.dataset,
      price: datasetPrice,
      volume,
      tag,
      appRestrict: ZeroAddress,
      workerpoolRestrict: ZeroAddress,
      requesterRestrict: ZeroAddress,
      expiry,
      salt: randomSalt(),
      signature: "0x",
    },
    workerpoolOrder: {
      workerpool: assets.workerpool,
      price: workerpoolPrice,
      volume,
      tag,
      category: o.category ?? 0n,
      trust: o.trust ?? 1n,
      appRestrict: ZeroAddress,
      datasetRestrict: ZeroAddress,
      requesterRestrict: ZeroAddress,
      expiry,
      salt: randomSalt(),
      signature: "0x",
    },
    requestOrder: {
      app: assets.app,
      appMaxPrice: appPrice,
      dataset: assets.dataset,
      datasetMaxPrice: datasetPrice,
      workerpool: ZeroAddress,
      workerpoolMaxPrice: workerpoolPrice,
      requester: requester.address,
      volume,
      tag,
      category: o.category ?? 0n,
      trust: o.trust ?? 1n,
      beneficiary: requester.address,
      callback: o.callback ?? ZeroAddress,
      params: '{"args":"--threshold 3"}',
      expiry,
      salt: randomSalt(),
      signature: "0x",
    },
  };
  return o.dataset === false ? withoutDataset(set) : set;
}

/** The same set for a dataset-less deal: an empty dataset order and a request naming none. */
export function withoutDataset(set: OrderSet): OrderSet {
  return {
    ...set,
    datasetOrder: noDatasetOrder(),
    requestOrder: { ...set.requestOrder, dataset: ZeroAddress, datasetMaxPrice: 0n },
  };
}

/** Who signs each order kind (defaults: the fixture's asset owners and requester). */
export interface OrderSigners {
  app?: Signer;
  dataset?: Signer;
  workerpool?: Signer;
  requester?: Signer;
}

/** EIP-712 ids of the set's orders, computed off-chain with src/core (zero for no dataset). */
export function orderHashes(
  f: PolisFixture,
  set: OrderSet,
): { app: string; dataset: string; workerpool: string; request: string } {
  return {
    app: orderHash(f.hubDomain, OrderKind.App, set.appOrder),
    dataset:
      set.datasetOrder.dataset === ZeroAddress
        ? ZeroHash
        : orderHash(f.hubDomain, OrderKind.Dataset, set.datasetOrder),
    workerpool: orderHash(f.hubDomain, OrderKind.Workerpool, set.workerpoolOrder),
    request: orderHash(f.hubDomain, OrderKind.Request, set.requestOrder),
  };
}

/** Signs every order of the set with its owner's key (from the fixture actors). A dataset-less
 * set keeps its empty dataset order unsigned. */
export async function signOrders(
  f: PolisFixture,
  set: OrderSet,
  requester?: Signer,
  signers: OrderSigners = {},
): Promise<OrderSet> {
  const { appOwner, datasetOwner, poolOwner } = f.actors;
  return {
    appOrder: await signOrder(signers.app ?? appOwner, f.hubDomain, OrderKind.App, set.appOrder),
    datasetOrder:
      set.datasetOrder.dataset === ZeroAddress
        ? set.datasetOrder
        : await signOrder(
            signers.dataset ?? datasetOwner,
            f.hubDomain,
            OrderKind.Dataset,
            set.datasetOrder,
          ),
    workerpoolOrder: await signOrder(
      signers.workerpool ?? poolOwner,
      f.hubDomain,
      OrderKind.Workerpool,
      set.workerpoolOrder,
    ),
    requestOrder: await signOrder(
      signers.requester ?? requester ?? f.actors.requester,
      f.hubDomain,
      OrderKind.Request,
      set.requestOrder,
    ),
  };
}

/** Builds and signs a compatible set in one call. */
export async function signedOrders(
  f: PolisFixture,
  assets: Assets,
  o: OrderOptions = {},
): Promise<OrderSet> {
  return signOrders(f, await buildOrders(f, assets, o), o.requester);
}

/** The four orders as matchOrders / estimateMatch arguments. */
export function matchArgs(set: OrderSet) {
  return [set.appOrder, set.datasetOrder, set.workerpoolOrder, set.requestOrder] as const;
}

/** Reads the deal created by a matchOrders receipt. */
export function dealFromReceipt(
  f: PolisFixture,
  receipt: ContractTransactionReceipt,
): { dealId: string; deal: Deal } {
  for (const log of receipt.logs) {
    try {
      const parsed = f.hub.interface.parseLog(log);
      if (parsed?.name === "DealCreated") {
        return { dealId: parsed.args.dealId as string, deal: toDeal(parsed.args.deal) };
      }
    } catch {
      // not a hub log
    }
  }
  throw new Error("no DealCreated event in receipt");
}

/** Matches a signed set and returns the deal and the receipt. */
export async function match(
  f: PolisFixture,
  set: OrderSet,
  sender?: Signer,
): Promise<{ dealId: string; deal: Deal; receipt: ContractTransactionReceipt }> {
  const tx = await f.hub
    .connect(sender ?? f.actors.requester)
    .matchOrders(set.appOrder, set.datasetOrder, set.workerpoolOrder, set.requestOrder);
  const receipt = (await tx.wait())!;
  return { ...dealFromReceipt(f, receipt), receipt };
}

export interface FastProof {
  result: {
    index: bigint;
    worker: string;
    resultDigest: string;
    receiptHash: string;
    enclave: string;
    enclaveSignature: string;
    attestation: string;
    results: string;
    callbackData: string;
  };
  authorization: string;
  taskId: string;
  enclave: BaseWallet;
}

/** Builds a valid fast-path result for task `index`: enclave key, its signature, the verifier's
 * statement, and the scheduler's authorization. */
export interface FastProofOptions {
  digest?: string;
  callbackData?: string;
  /** Default: whether the deal is TEE. */
  tee?: boolean;
  /** Who signs the worker authorization (default: the pool owner). */
  scheduler?: Signer;
  /** Who signs the attestation statement (default: the fixture's registered verifier). */
  verifier?: BaseWallet;
  /** Measurement the statement names (default: the deal's). */
  mrenclave?: string;
  /** Task the statement names (default: this task). */
  attestedTaskId?: string;
}

export async function fastProof(
  f: PolisFixture,
  dealId: string,
  deal: Deal,
  index: bigint,
  worker: string,
  opts: FastProofOptions = {},
): Promise<FastProof> {
  const taskId = computeTaskId(dealId, index);
  const digest = opts.digest ?? keccak256(toUtf8Bytes(`result ${index}`));
  const tee = opts.tee ?? (BigInt(deal.tag) & 1n) === 1n;
  const enclave = Wallet.createRandom();
  const receiptHash = tee ? keccak256(toUtf8Bytes(`receipt ${index}`)) : ZeroHash;
  const enclaveAddress = tee ? enclave.address : ZeroAddress;
  const scheduler = opts.scheduler ?? f.actors.poolOwner;
  return {
    taskId,
    enclave,
    authorization: await signWorkerAuthorization(scheduler, f.taskDomain, {
      worker,
      taskId,
      enclave: enclaveAddress,
    }),
    result: {
      index,
      worker,
      resultDigest: digest,
      receiptHash,
      enclave: enclaveAddress,
      enclaveSignature: tee
        ? await signEnclaveResult(enclave, f.taskDomain, {
            resultHash: resultHash(taskId, digest),
            resultSeal: resultSeal(worker, taskId, digest),
            receiptHash,
          })
        : "0x",
      attestation: tee
        ? await signAttestationStatement(opts.verifier ?? f.verifier, f.taskDomain, {
            taskId: opts.attestedTaskId ?? taskId,
            enclave: enclave.address,
            mrenclave: opts.mrenclave ?? deal.mrenclave,
          })
        : "0x",
      results: ethers.hexlify(toUtf8Bytes(`polis://results/${digest}`)),
      callbackData: opts.callbackData ?? "0x",
    },
  };
}
