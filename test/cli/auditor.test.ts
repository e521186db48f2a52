import { expect } from "chai";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Wallet, getBytes, parseEther } from "ethers";
import { OrderKind, TEE_TAG } from "../../src/core/index.js";
import { generateX25519KeyPair } from "../../src/core/crypto/index.js";
import { withSigner } from "../../src/sdk/client.js";
import {
  buildAppOrder,
  buildRequestOrder,
  buildWorkerpoolOrder,
  deposit,
  matchOrders,
  requestFaucet,
  signOrder,
} from "../../src/sdk/index.js";
import { startResultStore } from "../helpers/resultStore.js";
import type { ResultStore } from "../helpers/resultStore.js";
import { completeTask } from "../helpers/simulatedWorker.js";
import { offChainEvidenceChecks } from "../../src/auditor/verify/offChainEvidence.js";
import { verifyTaskEvidence } from "../../src/auditor/verify/verifyTaskEvidence.js";
import { createAuthority, enrolPlatform } from "../../src/enclave/attestation/authority.js";
import { signQuote, type QuoteBody } from "../../src/enclave/attestation/quote.js";
import type { SimulatedRun } from "../helpers/simulatedWorker.js";
import { setUpProviders } from "./helpers/providers.js";
import { startPolisEnv } from "./helpers/polis.js";
import type { PolisEnv } from "./helpers/polis.js";

describe("polis CLI: auditor journey (anvil)", function () {
  this.timeout(120_000);
  let env: PolisEnv;
  let store: ResultStore;
  let run: SimulatedRun;
  const authority = createAuthority({ name: "Audit" });
  const platform = enrolPlatform(authority, { platformId: "audit-host" });
  const polis = (args: string[]) => env.polis(["--json", ...args]);

  before(async () => {
    env = await startPolisEnv();
    store = await startResultStore();
    const p = await setUpProviders(env, "audit");
    const requester = withSigner(env.client, env.anvil.signer(5));
    await requestFaucet(requester, { amount: parseEther("100") });
    await deposit(requester, { amount: parseEther("100") });
    const appOrder = (
      await signOrder(p.clients.app, {
        kind: OrderKind.App,
        order: await buildAppOrder(env.client, {
          app: p.app,
          price: parseEther("1"),
          tag: TEE_TAG,
        }),
      })
    ).order;
    const workerpoolOrder = (
      await signOrder(p.clients.pool, {
        kind: OrderKind.Workerpool,
        order: await buildWorkerpoolOrder(env.client, {
          workerpool: p.workerpool,
          price: parseEther("2"),
          tag: TEE_TAG,
        }),
      })
    ).order;
    const requestOrder = (
      await signOrder(requester, {
        kind: OrderKind.Request,
        order: await buildRequestOrder(requester, {
          app: p.app,
          appMaxPrice: parseEther("1"),
          workerpoolMaxPrice: parseEther("2"),
          tag: TEE_TAG,
        }),
      })
    ).order;
    const { dealId, deal } = await matchOrders(requester, {
      appOrder,
      workerpoolOrder,
      requestOrder,
    });
    const key = generateX25519KeyPair();
    await writeFile(join(env.dir, "beneficiary.pem"), key.privateKeyPem);
    run = await completeTask(env.client, {
      dealId,
      deal,
      index: 0n,
      files: [{ path: "report.json", data: Buffer.from('{"ok":true}') }],
      beneficiaryKey: key.publicKey,
      store,
      scheduler: p.poolOwner,
      worker: p.worker,
      verifier: env.verifier,
      platform,
    });
    await writeFile(join(env.dir, "root.cert.pem"), authority.root.certPem);
  });
  after(async () => {
    await store?.close();
    await env?.stop();
  });

  const statuses = (json: { steps: Array<{ id: string; status: string }> }) =>
    Object.fromEntries(json.steps.map((s) => [s.id, s.status]));

  it("checks the whole chain of evidence of a task", async () => {
    const r = await polis([
      "verify",
      "task",
      run.taskId,
      "--no-market",
      "--key",
      "beneficiary.pem",
      "--attestation-root",
      "root.cert.pem",
    ]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.json.ok).to.equal(true);
    expect(r.json.complete).to.equal(true);
    expect(statuses(r.json)).to.deep.equal({
      task: "pass",
      deal: "pass",
      orders: "pass",
      proof: "pass",
      "enclave-signature": "pass",
      attestation: "pass",
      "result-digest": "pass",
      receipt: "pass",
      "certificate-chain": "pass",
    });
    const attestation = r.json.steps.find((s: { id: string }) => s.id === "attestation");
    expect(attestation.data.verifier).to.equal(env.verifier.address);
    const enclave = r.json.steps.find((s: { id: string }) => s.id === "enclave-signature");
    expect(enclave.data.enclave).to.equal(run.enclave);
  });

  it("prints a readable report", async () => {
    const r = await env.polis(["verify", "task", run.taskId, "--no-market"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/PASS\s+Usage receipt/);
    // No root given and no SMS listening: the chain is not checked, and the report says how.
    expect(r.stdout).to.match(/SKIP\s+Attestation certificate chain[\s\S]*--attestation-root/);
    expect(r.stdout).to.match(/SKIP\s+Result matches the on-chain digest[\s\S]*beneficiary key/);
  });

  it("fails the receipt step when the served receipt was altered (exit 1)", async () => {
    const original = store.receipts.get(run.taskId)!;
    store.receipts.set(run.taskId, { ...original, receipt: { ...original.receipt, cpuMs: 1 } });
    try {
      const r = await polis(["verify", "task", run.taskId, "--no-market"]);
      expect(r.code).to.equal(1);
      expect(r.json.ok).to.equal(false);
      expect(statuses(r.json).receipt).to.equal("fail");
      expect(r.stderr).to.match(/^error: Verification of task .* failed: receipt\./m);
    } finally {
      store.receipts.set(run.taskId, original);
    }
  });

  it("fails the certificate chain when the quote names another enclave or another authority signed it (exit 1)", async () => {
    const original = store.receipts.get(run.taskId)!;
    const rogue = enrolPlatform(createAuthority({ name: "Rogue" }), { platformId: "rogue" });
    const quote = original.quote as { body: { enclave: string } };
    const forgeries = [
      {
        ...original,
        quote: { ...quote, body: { ...quote.body, enclave: Wallet.createRandom().address } },
      },
      {
        ...original,
        quote: signQuote(
          (original.quote as { body: QuoteBody }).body,
          rogue.privateKeyPem,
          rogue.certChain,
        ),
      },
    ];
    try {
      for (const forged of forgeries) {
        store.receipts.set(run.taskId, forged);
        const r = await polis([
          "verify",
          "task",
          run.taskId,
          "--no-market",
          "--attestation-root",
          "root.cert.pem",
        ]);
        expect(r.code).to.equal(1);
        expect(statuses(r.json)["certificate-chain"]).to.equal("fail");
        expect(statuses(r.json).receipt).to.equal("pass");
      }
    } finally {
      store.receipts.set(run.taskId, original);
    }
  });

  it("the auditor service checks the same off-chain evidence: receipt and quote", async () => {
    // By default the auditor refuses pool-chosen URLs on loopback or private addresses.
    const guarded = await verifyTaskEvidence(
      env.client,
      run.taskId,
      offChainEvidenceChecks({ attestationRoot: { rootCertPem: authority.root.certPem } }),
    );
    const receiptStep = guarded.steps.find((s) => s.id === "usage-receipt")!;
    expect(receiptStep.status).to.equal("skip");
    expect(receiptStep.message).to.match(/127\.0\.0\.1, which is not a public address/);
    const checks = offChainEvidenceChecks({
      attestationRoot: { rootCertPem: authority.root.certPem },
      allowPrivateUrls: true,
    });
    const byId = async () =>
      Object.fromEntries(
        (await verifyTaskEvidence(env.client, run.taskId, checks)).steps.map((s) => [
          s.id,
          s.status,
        ]),
      );
    expect(await byId()).to.include({ "usage-receipt": "pass", "certificate-chain": "pass" });
    const original = store.receipts.get(run.taskId)!;
    store.receipts.set(run.taskId, { ...original, receipt: { ...original.receipt, wallMs: 1 } });
    try {
      // A fresh check set (each caches the receipt it downloaded).
      const again = await verifyTaskEvidence(
        env.client,
        run.taskId,
        offChainEvidenceChecks({
          attestationRoot: { rootCertPem: authority.root.certPem },
          allowPrivateUrls: true,
        }),
      );
      expect(again.ok).to.equal(false);
      expect(again.steps.find((s) => s.id === "usage-receipt")!.status).to.equal("fail");
    } finally {
      store.receipts.set(run.taskId, original);
    }
  });

  it("fails the digest step when the result store serves other bytes", async () => {
    store.overrides.set(`/results/${run.blobHash}`, Buffer.from("forged"));
    try {
      const r = await polis([
        "verify",
        "task",
        run.taskId,
        "--no-market",
        "--key",
        "beneficiary.pem",
      ]);
      expect(r.code).to.equal(1);
      expect(statuses(r.json)["result-digest"]).to.equal("fail");
      expect(statuses(r.json).receipt).to.equal("pass");
    } finally {
      store.overrides.delete(`/results/${run.blobHash}`);
    }
  });

  it("fails on an unknown task and skips what depends on it", async () => {
    const r = await polis(["verify", "task", "0x" + "ab".repeat(32), "--no-market"]);
    expect(r.code).to.equal(1);
    const s = statuses(r.json);
    expect(s.task).to.equal("fail");
    expect(s.deal).to.equal("skip");
    expect(s.receipt).to.equal("skip");
    expect(getBytes(r.json.taskId)).to.have.length(32);
  });
});
