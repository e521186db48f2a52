import { ZeroAddress, ZeroHash, keccak256, toUtf8Bytes } from "ethers";
import {
  OrderKind,
  orderHash,
  resultHash,
  resultSeal,
  signCancel,
  signWorkerAuthorization,
  taskId as computeTaskId,
} from "../../src/core/index.js";
import type { Deal } from "../../src/core/index.js";
import { ONE, ethers, fund, networkHelpers } from "../helpers/fixture.js";
import type { PolisFixture } from "../helpers/fixture.js";
import { buildOrders, createAssets, fastProof, match, signOrders } from "../helpers/market.js";
import type { Assets } from "../helpers/market.js";

export interface History {
  assets: Assets;
  /** TEE deal of 2 tasks: task 0 pushed (fast path), task 1 claimed after the deadline. */
  teeDeal: { dealId: string; deal: Deal; completedTask: string; failedTask: string };
  /** Trust-3 deal settled by two agreeing workers (contribute, reveal, finalize). */
  replicatedDeal: { dealId: string; deal: Deal; taskId: string };
  /** TEE deal under a dataset grant, pushed after the kitty was filled (kitty drained). */
  grantDeal: { dealId: string; deal: Deal; taskId: string };
  cancelledOrder: string;
  presignedOrder: string;
}

/** Builds a history exercising every event family: assets, escrow, deals, both task paths,
 * claims, the kitty, grants, cancels and presigns. */
export async function buildHistory(f: PolisFixture): Promise<History> {
  const { requester, poolOwner, worker1, worker2, datasetOwner, appOwner } = f.actors;
  const assets = await createAssets(f, "history");
  await fund(f, requester, 200n * ONE);
  await fund(f, poolOwner, 100n * ONE);
  await fund(f, worker1, 10n * ONE);
  await fund(f, worker2, 10n * ONE);

  // 1. A TEE deal of two tasks; task 0 completes on the fast path.
  const tee = await signOrders(f, await buildOrders(f, assets, { volume: 2n }));
  const a = await match(f, tee);
  const proof = await fastProof(f, a.dealId, a.deal, 0n, worker1.address);
  await (
    await f.taskManager
      .connect(worker1)
      .pushResult(a.dealId, a.deal, proof.result, proof.authorization)
  ).wait();

  // 2. A replicated trust-3 deal: two workers agree, reveal, the scheduler finalizes.
  const rep = await signOrders(f, await buildOrders(f, assets, { tee: false, trust: 3n }));
  const b = await match(f, rep);
  const tid = computeTaskId(b.dealId, 0n);
  const digest = keccak256(toUtf8Bytes("replicated result"));
  for (const w of [worker1, worker2]) {
    const authorization = await signWorkerAuthorization(poolOwner, f.taskDomain, {
      worker: w.address,
      taskId: tid,
      enclave: ZeroAddress,
    });
    const input = {
      resultHash: resultHash(tid, digest),
      resultSeal: resultSeal(w.address, tid, digest),
      receiptHash: ZeroHash,
      enclave: ZeroAddress,
      enclaveSignature: "0x",
      attestation: "0x",
    };
    await (
      await f.taskManager.connect(w).contribute(b.dealId, b.deal, 0n, input, authorization)
    ).wait();
  }
  for (const w of [worker1, worker2])
    await (await f.taskManager.connect(w).reveal(tid, digest)).wait();
  await (
    await f.taskManager
      .connect(poolOwner)
      .finalize(b.dealId, b.deal, 0n, ethers.hexlify(toUtf8Bytes("polis://r")), "0x")
  ).wait();

  // 3. Task 1 of the TEE deal is never done: anyone claims it after the final deadline.
  await networkHelpers.time.increase(Number(a.deal.timeRef * 10n) + 1);
  await (await f.taskManager.connect(f.actors.stranger).claim(a.dealId, a.deal, 1n)).wait();

  // 4. Grants, then a TEE deal under the grant; completing it drains the kitty.
  await (await f.hub.connect(datasetOwner).setGrantsRequired(assets.dataset, true)).wait();
  const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  await (
    await f.hub
      .connect(datasetOwner)
      .grantDatasetUse(assets.dataset, assets.app, requester.address, 5n, now + 86_400n)
  ).wait();
  const granted = await signOrders(f, await buildOrders(f, assets));
  const c = await match(f, granted);
  const proofC = await fastProof(f, c.dealId, c.deal, 0n, worker2.address);
  await (
    await f.taskManager.connect(poolOwner).pushResult(c.dealId, c.deal, proofC.result, "0x")
  ).wait();

  // 5. A cancel, a presign and a withdrawal.
  const spare = await buildOrders(f, assets);
  const cancelled = orderHash(f.hubDomain, OrderKind.App, spare.appOrder);
  await (
    await f.hub.cancelAppOrder(spare.appOrder, await signCancel(appOwner, f.hubDomain, cancelled))
  ).wait();
  const presigned = orderHash(f.hubDomain, OrderKind.Dataset, spare.datasetOrder);
  await (await f.hub.connect(datasetOwner).presign(presigned)).wait();
  await (await f.hub.connect(requester).withdraw(10n * ONE)).wait();

  return {
    assets,
    teeDeal: {
      dealId: a.dealId,
      deal: a.deal,
      completedTask: proof.taskId,
      failedTask: computeTaskId(a.dealId, 1n),
    },
    replicatedDeal: { dealId: b.dealId, deal: b.deal, taskId: tid },
    grantDeal: { dealId: c.dealId, deal: c.deal, taskId: proofC.taskId },
    cancelledOrder: cancelled,
    presignedOrder: presigned,
  };
}
