/**
 * Minimal demo: deploys Polis on the in-process chain and runs one TEE deal end to end (orders,
 * match, an attested result pushed on-chain, payments). The full multi-process demo replaces it
 * when the SMS, worker pool and market land.
 *
 * Run: npm run demo
 */
import { network } from "hardhat";
import { Wallet, ZeroAddress, formatEther, keccak256, toUtf8Bytes } from "ethers";
import {
  OrderKind,
  TEE_TAG,
  expiryIn,
  randomSalt,
  resultHash,
  resultSeal,
  signAttestationStatement,
  signEnclaveResult,
  signOrder,
  signWorkerAuthorization,
  taskId,
  toDeal,
} from "../src/core/index.js";
import { deployPolis } from "../src/sdk/deploy/deployPolis.js";
import { hubDomain, taskDomain } from "../src/core/domain.js";

const { ethers } = await network.create();
const [governance, appDev, hospital, provider, researcher, worker] = await ethers.getSigners();
const ONE = 10n ** 18n;
const step = (n: number, text: string) => console.log(`[${n}/7] ${text}`);
const started = Date.now();

const sms = Wallet.createRandom();
step(1, "Deploying contracts on the in-process chain");
const {
  contracts: c,
  deployment,
  gasUsed,
} = await deployPolis(governance, {
  faucetLimit: 10n ** 24n,
  attestationVerifiers: [sms.address],
});
const chainId = BigInt(deployment.chainId);
const hd = hubDomain(chainId, deployment.hub);
const td = taskDomain(chainId, deployment.taskManager);
console.log(`      hub ${deployment.hub}, task manager ${deployment.taskManager} (${gasUsed} gas)`);

step(2, "Registering an app, a dataset and a worker pool");
const mrenclave = keccak256(toUtf8Bytes("anomaly-detection enclave"));
const appParams = {
  name: "anomaly-detection",
  uri: "ipfs://anomaly",
  checksum: keccak256(toUtf8Bytes("bundle")),
  mrenclave,
  enclaveConfigHash: keccak256(toUtf8Bytes("config")),
};
const app = await c.appRegistry.predictApp(appDev.address, appParams);
await (await c.appRegistry.connect(appDev).createApp(appParams)).wait();
const dsParams = {
  name: "patient-vitals",
  uri: "https://hospital.example/vitals.enc",
  checksum: keccak256(toUtf8Bytes("vitals")),
};
const dataset = await c.datasetRegistry.predictDataset(hospital.address, dsParams);
await (await c.datasetRegistry.connect(hospital).createDataset(dsParams)).wait();
const poolParams = {
  description: "city fog pool",
  resourceClass: 1,
  location: "eu-west/paris",
  workerStakeRatio: 30,
  schedulerRewardRatio: 20,
  scheduler: ZeroAddress,
};
const pool = await c.workerpoolRegistry.predictWorkerpool(provider.address, poolParams);
await (await c.workerpoolRegistry.connect(provider).createWorkerpool(poolParams)).wait();

step(3, "Funding the researcher and the pool owner from the faucet");
for (const who of [researcher, provider]) {
  await (await c.token.faucet(who.address, 100n * ONE)).wait();
  await (await c.token.connect(who)["transferAndCall(address,uint256)"](deployment.hub, 100n * ONE)).wait();
}

step(4, "Signing the four orders");
const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
const expiry = expiryIn(86_400n, now);
const z = ZeroAddress;
const appOrder = await signOrder(appDev, hd, OrderKind.App, {
  app,
  price: 3n * ONE,
  volume: 1n,
  tag: TEE_TAG,
  datasetRestrict: z,
  workerpoolRestrict: z,
  requesterRestrict: z,
  expiry,
  salt: randomSalt(),
  signature: "0x",
});
const datasetOrder = await signOrder(hospital, hd, OrderKind.Dataset, {
  dataset,
  price: 2n * ONE,
  volume: 1n,
  tag: TEE_TAG,
  appRestrict: app,
  workerpoolRestrict: z,
  requesterRestrict: z,
  expiry,
  salt: randomSalt(),
  signature: "0x",
});
const workerpoolOrder = await signOrder(provider, hd, OrderKind.Workerpool, {
  workerpool: pool,
  price: 5n * ONE,
  volume: 1n,
  tag: TEE_TAG,
  category: 0n,
  trust: 1n,
  appRestrict: z,
  datasetRestrict: z,
  requesterRestrict: z,
  expiry,
  salt: randomSalt(),
  signature: "0x",
});
const requestOrder = await signOrder(researcher, hd, OrderKind.Request, {
  app,
  appMaxPrice: 3n * ONE,
  dataset,
  datasetMaxPrice: 2n * ONE,
  workerpool: z,
  workerpoolMaxPrice: 5n * ONE,
  requester: researcher.address,
  volume: 1n,
  tag: TEE_TAG,
  category: 0n,
  trust: 1n,
  beneficiary: researcher.address,
  callback: z,
  params: "{}",
  expiry,
  salt: randomSalt(),
  signature: "0x",
});

step(5, "Matching the orders into a deal");
const receipt = (await (
  await c.hub.connect(researcher).matchOrders(appOrder, datasetOrder, workerpoolOrder, requestOrder)
).wait())!;
const created = receipt.logs
  .map((l) => {
    try {
      return c.hub.interface.parseLog(l);
    } catch {
      return null;
    }
  })
  .find((l) => l?.name === "DealCreated")!;
const dealId = created.args.dealId as string;
const deal = toDeal(created.args.deal);
console.log(`      deal ${dealId} (${receipt.gasUsed} gas)`);

step(6, "An attested enclave computes and the worker pushes the result on-chain");
const tid = taskId(dealId, 0n);
const enclave = Wallet.createRandom();
const digest = keccak256(toUtf8Bytes("anomalies: 2 of 1440 samples"));
const receiptHash = keccak256(toUtf8Bytes("usage receipt"));
const result = {
  index: 0n,
  worker: worker.address,
  resultDigest: digest,
  receiptHash,
  enclave: enclave.address,
  enclaveSignature: await signEnclaveResult(enclave, td, {
    resultHash: resultHash(tid, digest),
    resultSeal: resultSeal(worker.address, tid, digest),
    receiptHash,
  }),
  attestation: await signAttestationStatement(sms, td, {
    taskId: tid,
    enclave: enclave.address,
    mrenclave,
  }),
  results: "0x",
  callbackData: "0x",
};
const authorization = await signWorkerAuthorization(provider, td, {
  worker: worker.address,
  taskId: tid,
  enclave: enclave.address,
});
const pushed = (await (
  await c.taskManager.connect(worker).pushResult(dealId, deal, result, authorization)
).wait())!;
console.log(`      task ${tid} completed (${pushed.gasUsed} gas)`);

step(7, "Who was paid");
for (const [name, who] of [
  ["app developer", appDev],
  ["hospital", hospital],
  ["pool owner", provider],
  ["worker", worker],
  ["researcher", researcher],
] as const) {
  const [stake, locked] = await c.hub.accountOf(who.address);
  console.log(
    `      ${name.padEnd(14)} ${formatEther(stake).padStart(8)} POLIS free, ${formatEther(locked)} locked`,
  );
}
console.log(
  `\nDemo finished in ${((Date.now() - started) / 1000).toFixed(1)} s: 1 deal, 1 task, ${receipt.gasUsed + pushed.gasUsed} gas for the deal.`,
);
