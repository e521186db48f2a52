import { SigningKey, TypedDataEncoder, Wallet, keccak256, toUtf8Bytes } from "ethers";
import {
  ATTESTATION_STATEMENT_TYPES,
  ENCLAVE_RESULT_TYPES,
  OrderKind,
  TEE_TAG,
  resultHash,
  resultSeal,
  taskId as computeTaskId,
  toDeal,
} from "../../../src/core/index.js";
import type { Deal } from "../../../src/core/index.js";
import { createOrderHasher } from "../../../src/market/index.js";
import type { Rng } from "./orders.js";
import { appOrder, datasetOrder, requestOrder, workerpoolOrder } from "./orders.js";
import type { World } from "./world.js";

/**
 * Generates a realistic event history: `deals` TEE deals of `volume` tasks, each matched and then
 * completed by its scheduler in one pushResults batch (payments, stakes, kitty), `groups` deals
 * at a time. Returns the number of transactions sent.
 */
export async function generateHistory(
  w: World,
  r: Rng,
  deals: number,
  volume = 4n,
  groups = 25,
): Promise<number> {
  const { client } = w;
  const hasher = createOrderHasher(client.hubDomain);
  const head = await client.provider.getBlock("latest");
  const expiry = BigInt(head!.timestamp) + 30n * 86_400n;
  const sign = (key: string, kind: OrderKind, order: any) => ({
    ...order,
    signature: new SigningKey(key).sign(hasher(kind, order)).serialized,
  });
  const verifierKey = new SigningKey(w.verifier.privateKey);
  let txCount = 0;
  for (let start = 0; start < deals; start += groups) {
    const n = Math.min(groups, deals - start);
    const matched = await Promise.all(
      Array.from({ length: n }, async () => {
        const a = appOrder(w, r, expiry);
        const d = datasetOrder(w, r, expiry);
        const p = workerpoolOrder(w, r, expiry);
        const q = requestOrder(w, r, expiry, { volume });
        const app = {
          ...a.order,
          tag: TEE_TAG,
          volume,
          datasetRestrict: d.order.dataset,
          workerpoolRestrict: p.order.workerpool,
          requesterRestrict: q.signer,
        };
        const ds = {
          ...d.order,
          tag: TEE_TAG,
          volume,
          appRestrict: app.app,
          workerpoolRestrict: p.order.workerpool,
          requesterRestrict: q.signer,
        };
        const pool = {
          ...p.order,
          tag: TEE_TAG,
          volume,
          category: 0n,
          trust: 1n,
          appRestrict: app.app,
          datasetRestrict: ds.dataset,
          requesterRestrict: q.signer,
        };
        const req = {
          ...q.order,
          app: app.app,
          dataset: ds.dataset,
          tag: TEE_TAG,
          category: 0n,
          appMaxPrice: app.price,
          datasetMaxPrice: ds.price,
          workerpoolMaxPrice: pool.price,
        };
        const requester = w.requesters.find((x) => x.address === q.signer)!;
        const tx = await client.hub
          .connect(requester.signer)
          .matchOrders(
            sign(a.key, OrderKind.App, app),
            sign(d.key, OrderKind.Dataset, ds),
            sign(p.key, OrderKind.Workerpool, pool),
            sign(q.key, OrderKind.Request, req),
          );
        const receipt = (await tx.wait())!;
        for (const log of receipt.logs) {
          const parsed = client.hub.interface.parseLog(log);
          if (parsed?.name === "DealCreated")
            return { dealId: parsed.args.dealId as string, deal: toDeal(parsed.args.deal) };
        }
        throw new Error("no DealCreated");
      }),
    );
    txCount += n;
    await Promise.all(
      matched.map(async ({ dealId, deal }) => {
        const results = [];
        for (let i = deal.botFirst; i < deal.botFirst + deal.botSize; i++)
          results.push(fastResult(w, dealId, deal, i, verifierKey));
        const owner = w.poolOwners.find(
          (o) => o.address.toLowerCase() === deal.workerpoolOwner.toLowerCase(),
        )!;
        await (
          await client.taskManager.connect(owner.signer).pushResults(dealId, deal, results)
        ).wait();
      }),
    );
    txCount += n;
  }
  return txCount;
}

function fastResult(w: World, dealId: string, deal: Deal, index: bigint, verifierKey: SigningKey) {
  const td = w.client.taskDomain;
  const tid = computeTaskId(dealId, index);
  const worker = w.workers[Number(index) % w.workers.length].address;
  const digest = keccak256(toUtf8Bytes(`bench result ${tid}`));
  const receiptHash = keccak256(toUtf8Bytes(`bench receipt ${tid}`));
  const enclave = new SigningKey(Wallet.createRandom().privateKey);
  const enclaveAddress = new Wallet(enclave.privateKey).address;
  const enclaveSignature = enclave.sign(
    TypedDataEncoder.hash(td, ENCLAVE_RESULT_TYPES, {
      resultHash: resultHash(tid, digest),
      resultSeal: resultSeal(worker, tid, digest),
      receiptHash,
    }),
  ).serialized;
  const attestation = verifierKey.sign(
    TypedDataEncoder.hash(td, ATTESTATION_STATEMENT_TYPES, {
      taskId: tid,
      enclave: enclaveAddress,
      mrenclave: deal.mrenclave,
    }),
  ).serialized;
  return {
    index,
    worker,
    resultDigest: digest,
    receiptHash,
    enclave: enclaveAddress,
    enclaveSignature,
    attestation,
    results: "0x" + Buffer.from(`polis://results/${digest}`).toString("hex"),
    callbackData: "0x",
  };
}
