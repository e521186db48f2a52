/**
 * Gas benchmark: deploys Polis on the in-process chain and measures gasUsed per step of the main
 * flows. Prints a table against PoCo v6.2.0 and the targets, writes bench/results/gas.json.
 *
 * "cold" = the first deal ever for its app owner, dataset owner and worker (their escrow accounts
 * and every order's consumed counter are fresh storage); "warm" = a repeat deal (same parties,
 * long-lived app/dataset/pool orders, a new request), the steady state of a running market.
 *
 * Run: npm run bench:gas
 */
import { mkdir, writeFile } from "node:fs/promises";
import { ZeroAddress, ZeroHash, keccak256, toUtf8Bytes } from "ethers";
import { resultHash, resultSeal, signWorkerAuthorization, taskId } from "../../src/core/index.js";
import { deployFixture, fund, ONE } from "../../test/helpers/fixture.js";
import type { PolisFixture } from "../../test/helpers/fixture.js";
import {
  buildOrders,
  createAssets,
  fastProof,
  match,
  signOrders,
} from "../../test/helpers/market.js";

const POCO = {
  match: 737_000,
  initialize: 222_000,
  contributeAndFinalize: 490_000,
  teeSingleTaskTotal: 1_450_000,
  replicatedTrust3Total: 2_100_000,
  createApp: 625_000,
};
const TARGETS = {
  teeSingleTaskTotal: 400_000,
  teeBatchPerTask: 60_000,
  replicatedTrust3Total: 1_050_000,
  createAsset: 150_000,
};

async function gasOf(
  tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>,
): Promise<number> {
  return Number((await (await tx).wait())!.gasUsed);
}

async function assetCreation(f: PolisFixture) {
  const { appOwner, datasetOwner, poolOwner } = f.actors;
  const createApp = await gasOf(
    f.appRegistry.connect(appOwner).createApp({
      name: "bench-app",
      uri: "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
      checksum: keccak256(toUtf8Bytes("bundle")),
      mrenclave: keccak256(toUtf8Bytes("mrenclave")),
      enclaveConfigHash: keccak256(toUtf8Bytes("config")),
    }),
  );
  const createDataset = await gasOf(
    f.datasetRegistry.connect(datasetOwner).createDataset({
      name: "bench-dataset",
      uri: "https://data.example.org/vitals/2026-11.enc",
      checksum: keccak256(toUtf8Bytes("data")),
    }),
  );
  const createWorkerpool = await gasOf(
    f.workerpoolRegistry.connect(poolOwner).createWorkerpool({
      description: "bench pool",
      resourceClass: 1,
      location: "eu-west/paris",
      workerStakeRatio: 30,
      schedulerRewardRatio: 20,
      scheduler: ZeroAddress,
    }),
  );
  return { createApp, createDataset, createWorkerpool };
}

async function teeSingle(
  f: PolisFixture,
  assets: Awaited<ReturnType<typeof createAssets>>,
  volume = 1n,
) {
  const set = await signOrders(f, await buildOrders(f, assets, { volume }));
  const { dealId, deal, receipt } = await match(f, set);
  const proof = await fastProof(f, dealId, deal, 0n, f.actors.worker1.address);
  const push = await gasOf(
    f.taskManager
      .connect(f.actors.worker1)
      .pushResult(dealId, deal, proof.result, proof.authorization),
  );
  return { set, matchGas: Number(receipt.gasUsed), push };
}

async function main() {
  // Cold: a fresh deployment, first-ever deal for app owner, dataset owner and worker.
  const f = await deployFixture();
  const assetsGas = await assetCreation(f);
  const assets = await createAssets(f, "tee");
  await fund(f, f.actors.requester, 100_000n * ONE);
  await fund(f, f.actors.poolOwner, 100_000n * ONE);
  const cold = await teeSingle(f, assets);

  // Warm: the same parties again; app/dataset/pool orders of volume 10 already used once.
  const long = await signOrders(f, await buildOrders(f, assets, { volume: 10n }));
  const requestFor = async (salt: string) =>
    (
      await signOrders(f, {
        ...long,
        requestOrder: { ...long.requestOrder, volume: 1n, salt: keccak256(toUtf8Bytes(salt)) },
      })
    ).requestOrder;
  await match(f, { ...long, requestOrder: await requestFor("warm-up") });
  const warmMatch = await match(f, { ...long, requestOrder: await requestFor("warm") });
  const warmProof = await fastProof(
    f,
    warmMatch.dealId,
    warmMatch.deal,
    warmMatch.deal.botFirst,
    f.actors.worker1.address,
  );
  const warmPush = await gasOf(
    f.taskManager
      .connect(f.actors.worker1)
      .pushResult(warmMatch.dealId, warmMatch.deal, warmProof.result, warmProof.authorization),
  );

  // Batch of 100 TEE tasks, pushed by the scheduler in one transaction.
  const batchSet = await signOrders(f, await buildOrders(f, assets, { volume: 100n }));
  const batch = await match(f, batchSet);
  const workers = [f.actors.worker1, f.actors.worker2, f.actors.worker3];
  const results = [];
  for (let i = 0n; i < 100n; i++) {
    results.push(
      (await fastProof(f, batch.dealId, batch.deal, i, workers[Number(i % 3n)].address)).result,
    );
  }
  const batchResults = await gasOf(
    f.taskManager.connect(f.actors.poolOwner).pushResults(batch.dealId, batch.deal, results),
  );

  // Replicated trust 3, two agreeing fresh workers (consensus needs both).
  const f2 = await deployFixture();
  const assets2 = await createAssets(f2, "replicated");
  await fund(f2, f2.actors.requester, 1_000n * ONE);
  await fund(f2, f2.actors.poolOwner, 1_000n * ONE);
  await fund(f2, f2.actors.worker1, 100n * ONE);
  await fund(f2, f2.actors.worker2, 100n * ONE);
  const rset = await signOrders(f2, await buildOrders(f2, assets2, { trust: 3n, tee: false }));
  const rdeal = await match(f2, rset);
  const tid = taskId(rdeal.dealId, 0n);
  const digest = keccak256(toUtf8Bytes("consensus result"));
  let contributions = 0;
  for (const w of [f2.actors.worker1, f2.actors.worker2]) {
    const auth = await signWorkerAuthorization(f2.actors.poolOwner, f2.taskDomain, {
      worker: w.address,
      taskId: tid,
      enclave: ZeroAddress,
    });
    contributions += await gasOf(
      f2.taskManager.connect(w).contribute(
        rdeal.dealId,
        rdeal.deal,
        0n,
        {
          resultHash: resultHash(tid, digest),
          resultSeal: resultSeal(w.address, tid, digest),
          receiptHash: ZeroHash,
          enclave: ZeroAddress,
          enclaveSignature: "0x",
          attestation: "0x",
        },
        auth,
      ),
    );
  }
  let reveals = 0;
  for (const w of [f2.actors.worker1, f2.actors.worker2])
    reveals += await gasOf(f2.taskManager.connect(w).reveal(tid, digest));
  const finalize = await gasOf(
    f2.taskManager.connect(f2.actors.poolOwner).finalize(rdeal.dealId, rdeal.deal, 0n, "0x", "0x"),
  );

  const replicatedTotal = Number(rdeal.receipt.gasUsed) + contributions + reveals + finalize;
  const out = {
    teeSingleTask: {
      match: cold.matchGas,
      perTaskSteps: cold.push,
      total: cold.matchGas + cold.push,
    },
    teeSingleTaskWarm: {
      match: Number(warmMatch.receipt.gasUsed),
      perTaskSteps: warmPush,
      total: Number(warmMatch.receipt.gasUsed) + warmPush,
    },
    teeBatch100: {
      match: Number(batch.receipt.gasUsed),
      results: batchResults,
      totalPerTask: Math.round((Number(batch.receipt.gasUsed) + batchResults) / 100),
    },
    replicatedTrust3: {
      match: Number(rdeal.receipt.gasUsed),
      contributions,
      reveals,
      finalize,
      total: replicatedTotal,
    },
    ...assetsGas,
    poco: POCO,
    targets: TARGETS,
    measuredAt: new Date().toISOString(),
  };

  const rows: Array<[string, number, number | string, number | string]> = [
    [
      "1-task TEE deal, cold (match + push)",
      out.teeSingleTask.total,
      POCO.teeSingleTaskTotal,
      TARGETS.teeSingleTaskTotal,
    ],
    ["  match", cold.matchGas, POCO.match, "-"],
    [
      "  pushResult (contributeAndFinalize)",
      cold.push,
      POCO.initialize + POCO.contributeAndFinalize,
      "-",
    ],
    [
      "1-task TEE deal, warm (repeat parties)",
      out.teeSingleTaskWarm.total,
      POCO.teeSingleTaskTotal,
      TARGETS.teeSingleTaskTotal,
    ],
    [
      "100-task TEE deal, per task (incl. match)",
      out.teeBatch100.totalPerTask,
      "-",
      TARGETS.teeBatchPerTask,
    ],
    [
      "trust-3 task, 2 agreeing workers",
      replicatedTotal,
      POCO.replicatedTrust3Total,
      TARGETS.replicatedTrust3Total,
    ],
    ["createApp", assetsGas.createApp, POCO.createApp, TARGETS.createAsset],
    ["createDataset", assetsGas.createDataset, "-", TARGETS.createAsset],
    ["createWorkerpool", assetsGas.createWorkerpool, "-", TARGETS.createAsset],
  ];
  const pad = (v: unknown, n: number) => String(v).padStart(n);
  console.log(
    `${"step".padEnd(44)}${pad("Polis", 10)}${pad("PoCo", 11)}${pad("x PoCo", 8)}${pad("target", 10)}  ok`,
  );
  for (const [name, gas, poco, target] of rows) {
    const ratio = typeof poco === "number" ? (gas / poco).toFixed(2) : "-";
    const ok = typeof target === "number" ? (gas <= target ? "yes" : "NO") : "";
    console.log(
      `${name.padEnd(44)}${pad(gas.toLocaleString("en"), 10)}${pad(typeof poco === "number" ? poco.toLocaleString("en") : poco, 11)}${pad(ratio, 8)}${pad(typeof target === "number" ? target.toLocaleString("en") : target, 10)}  ${ok}`,
    );
  }
  await mkdir("bench/results", { recursive: true });
  await writeFile("bench/results/gas.json", JSON.stringify(out, null, 2) + "\n");
  console.log("\nwrote bench/results/gas.json");
}

await main();
