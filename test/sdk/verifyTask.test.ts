import { expect } from "chai";
import { OrderKind } from "../../src/core/index.js";
import { generateX25519KeyPair } from "../../src/core/crypto/index.js";
import { withSigner } from "../../src/sdk/client.js";
import { getDealTasks, getTask, matchOrders, signOrder, verifyTask } from "../../src/sdk/index.js";
import type { VerifyStep } from "../../src/sdk/index.js";
import { ONE, deployFixture, fund, networkHelpers } from "../helpers/fixture.js";
import { buildOrders, createAssets } from "../helpers/market.js";
import { startResultStore } from "../helpers/resultStore.js";
import type { ResultStore } from "../helpers/resultStore.js";
import { completeTask } from "../helpers/simulatedWorker.js";
import { clientFor } from "./helpers.js";

describe("sdk/verifyTask", () => {
  let store: ResultStore;
  before(async () => {
    store = await startResultStore();
  });
  after(async () => {
    await store.close();
  });

  async function completedTask() {
    const f = await networkHelpers.loadFixture(deployFixture);
    const assets = await createAssets(f, "verify");
    await fund(f, f.actors.requester, 100n * ONE);
    await fund(f, f.actors.poolOwner, 100n * ONE);
    const client = await clientFor(f);
    const set = await buildOrders(f, assets);
    const sign = async <K extends OrderKind>(
      signer: typeof f.actors.appOwner,
      kind: K,
      order: unknown,
    ) => (await signOrder(withSigner(client, signer), { kind, order: order as never })).order;
    const requester = withSigner(client, f.actors.requester);
    const { dealId, deal } = await matchOrders(requester, {
      appOrder: await sign(f.actors.appOwner, OrderKind.App, set.appOrder),
      datasetOrder: await sign(f.actors.datasetOwner, OrderKind.Dataset, set.datasetOrder),
      workerpoolOrder: await sign(f.actors.poolOwner, OrderKind.Workerpool, set.workerpoolOrder),
      requestOrder: await sign(f.actors.requester, OrderKind.Request, set.requestOrder),
    });
    const key = generateX25519KeyPair();
    const run = await completeTask(client, {
      dealId,
      deal,
      index: 0n,
      files: [{ path: "out.txt", data: Buffer.from("42") }],
      beneficiaryKey: key.publicKey,
      store,
      scheduler: f.actors.poolOwner,
      worker: f.actors.worker1,
      verifier: f.verifier,
    });
    return { client, dealId, run, key };
  }

  it("passes every step once a certificate chain check is plugged in", async () => {
    const { client, run, key } = await completedTask();
    const seen: string[] = [];
    const report = await verifyTask(client, {
      taskId: run.taskId,
      resultKeyPem: key.privateKeyPem,
      certificateChain: async (ctx) => ({
        status: "pass",
        detail: `chain of ${ctx.proof!.enclave} checked`,
      }),
      onStep: (s) => seen.push(s.id),
    });
    expect(report.ok).to.equal(true);
    expect(
      report.complete,
      report.steps.map((s) => `${s.id}: ${s.status} ${s.detail}`).join("\n"),
    ).to.equal(true);
    expect(seen).to.deep.equal(report.steps.map((s) => s.id));
  });

  it("skips the steps whose dependency failed", async () => {
    const { client, run } = await completedTask();
    const failing: VerifyStep = {
      id: "a",
      title: "A",
      run: async () => ({ status: "fail", detail: "no" }),
    };
    const dependent: VerifyStep = {
      id: "b",
      title: "B",
      dependsOn: ["a"],
      run: async () => {
        throw new Error("must not run");
      },
    };
    const report = await verifyTask(client, { taskId: run.taskId, steps: [failing, dependent] });
    expect(report.ok).to.equal(false);
    expect(report.steps.map((s) => s.status)).to.deep.equal(["fail", "skip"]);
  });

  it("reads the completed task and its deal's tasks", async () => {
    const { client, dealId, run } = await completedTask();
    const task = await getTask(client, { taskId: run.taskId });
    expect(task).to.include({ status: "completed", dealId, index: 0n, claimable: false });
    expect(task.completion).to.include({
      resultDigest: run.digest,
      resultUrl: run.url,
      enclave: run.enclave,
    });
    const { counts } = await getDealTasks(client, { dealId });
    expect(counts.completed).to.equal(1);
  });
});
