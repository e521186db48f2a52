import { expect } from "chai";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { getBytes } from "ethers";
import { taskIds } from "../../src/core/index.js";
import {
  decryptResult,
  generateX25519KeyPair,
  unpackArchive,
} from "../../src/core/crypto/index.js";
import { createAuthority } from "../../src/enclave/attestation/authority.js";
import { saveHostIdentity } from "../../src/enclave/attestation/files.js";
import { createEnclaveHost, type EnclaveHost } from "../../src/enclave/enclaveHost.js";
import {
  AppBundles,
  createStandardExecutor,
  createTeeExecutor,
  executorByMode,
} from "../../src/worker/executors/index.js";
import { deployFixture, fund, ONE } from "../helpers/fixture.js";
import { buildOrders, match, signOrders } from "../helpers/market.js";
import { createSmsClient } from "../../src/sdk/sms/client.js";
import { verifyTask } from "../../src/sdk/actions/verify/verifyTask.js";
import {
  authority,
  fixtureClient,
  platform,
  startSms,
  type SmsHarness,
} from "../sms/helpers/harness.js";
import { pushSecret } from "../sms/helpers/pushClient.js";
import { fundedWallet, startPool, waitFor } from "./harness.js";
import { VITALS_WARM_CONFIG, registerTeeAssets } from "./teeApp.js";

describe("Worker pool (TEE deal)", function () {
  this.timeout(300_000);
  const hosts: EnclaveHost[] = [];
  let sms: SmsHarness | undefined;

  after(async () => {
    await Promise.all(hosts.map((h) => h.stop()));
    await sms?.stop();
  });

  it("runs a 20-task TEE deal: every task completes, payments land, escrow is conserved, a forging worker is refused and unpaid", async () => {
    const f = await deployFixture();
    // The app runs in a warm sandbox per deal and slot ("reuse": "deal"); the per-task process
    // is what test/enclave/teePath.test.ts and the other pool tests run.
    const assets = await registerTeeAssets(f, VITALS_WARM_CONFIG);
    sms = await startSms(f);
    const beneficiary = generateX25519KeyPair();
    const push = (
      signer: typeof f.actors.requester,
      kind: "dataset-key" | "beneficiary-key",
      target: string,
      value: Uint8Array,
    ) => pushSecret({ url: sms!.url, chainId: f.chainId, signer, kind, target, value });
    expect(
      (await push(f.actors.datasetOwner, "dataset-key", assets.dataset, assets.datasetKey)).status,
    ).to.equal(200);
    expect(
      (
        await push(
          f.actors.requester,
          "beneficiary-key",
          f.actors.requester.address,
          beneficiary.publicKey,
        )
      ).status,
    ).to.equal(200);

    const schedulerWallet = await fundedWallet();
    await (
      await f.workerpoolRegistry
        .connect(f.actors.poolOwner)
        .setScheduler(assets.workerpool, schedulerWallet.address)
    ).wait();
    await fund(f, f.actors.requester, 1_000n * ONE);
    await fund(f, f.actors.poolOwner, 1_000n * ONE);
    const hubTokensBefore = await f.token.balanceOf(await f.hub.getAddress());

    await saveHostIdentity(join(assets.dir, "platform"), platform);
    const teeWorker =
      (i: number) =>
      (
        wallet: Parameters<typeof createTeeExecutor>[0]["wallet"],
        client: Parameters<typeof createTeeExecutor>[0]["client"],
      ) => {
        const host = createEnclaveHost(
          {},
          { platformDir: join(assets.dir, "platform"), workDir: join(assets.dir, `enclave${i}`) },
        );
        hosts.push(host);
        const bundles = new AppBundles(client, join(assets.dir, `bundles${i}`));
        return executorByMode({
          tee: createTeeExecutor({ client, wallet, host, bundles, smsUrl: sms!.url }),
          standard: createStandardExecutor({
            client,
            bundles,
            workDir: join(assets.dir, `tasks${i}`),
            beneficiaryKey: async () => undefined,
          }),
        });
      };
    // A third worker forges its results (the digest its enclave did not sign): the scheduler's dry
    // run refuses each one, the task goes to an honest worker, and the forger earns nothing.
    const forging =
      (spec: ReturnType<typeof teeWorker>) =>
      (...args: Parameters<ReturnType<typeof teeWorker>>) => {
        const inner = spec(...args);
        return {
          async execute(...call: Parameters<typeof inner.execute>) {
            const out = await inner.execute(...call);
            const flipped = (out.resultDigest.endsWith("0") ? "1" : "0") as string;
            return { ...out, resultDigest: out.resultDigest.slice(0, -1) + flipped };
          },
        };
      };
    const executors = [teeWorker(0), teeWorker(1), forging(teeWorker(2))];
    const pool = await startPool(f, assets.workerpool, schedulerWallet, executors, { tee: true });
    await Promise.all(hosts.map((h) => h.start()));
    try {
      const set = await signOrders(
        f,
        await buildOrders(f, assets, { volume: 20n, tee: true, category: 1n }),
      );
      const { dealId, deal } = await match(f, set);
      const ids = taskIds(deal, dealId);
      await waitFor(
        async () => {
          const views = await Promise.all(ids.map((t) => f.taskManager.taskOf(t)));
          return views.every((v) => v.status === 3n);
        },
        240_000,
        "20 TEE tasks completed",
      );

      // Payments: app 3, dataset 2 per task; workers 4 per task; the pool owner keeps 1 per task.
      expect((await f.hub.accountOf(f.actors.appOwner.address))[0]).to.equal(20n * 3n * ONE);
      expect((await f.hub.accountOf(f.actors.datasetOwner.address))[0]).to.equal(20n * 2n * ONE);
      const workers = await Promise.all(pool.workerWallets.map((w) => f.hub.accountOf(w.address)));
      expect(workers.reduce((s, [stake]) => s + stake, 0n)).to.equal(20n * 4n * ONE);
      expect(workers[2], "the forger is paid nothing").to.deep.equal([0n, 0n]);
      const refused = await pool.scheduler.metrics.failures.get();
      expect(
        refused.values.find((v) => v.labels.cause === "result-invalid")?.value ?? 0,
        "forged results refused",
      ).to.be.greaterThan(0);
      // A task the forger spoiled goes to the honest workers, never back to the forger.
      const forger = pool.workerWallets[2].address;
      const spoiledBy = (t: string) =>
        pool.scheduler.store
          .assignmentsOf(t)
          .filter((a) => a.worker === forger && a.state === "failed");
      for (const t of ids) expect(spoiledBy(t).length, `forged attempts on ${t}`).to.be.at.most(1);
      // The audited task is one the forger spoiled first, when there is one: its receipt reached
      // the store before the honest one, and must not stand in for it.
      const audited = ids.find((t) => spoiledBy(t).length > 0) ?? ids[0];
      const [reqStake, reqLocked] = await f.hub.accountOf(f.actors.requester.address);
      expect(reqStake).to.equal(1_000n * ONE - 20n * 10n * ONE);
      expect(reqLocked).to.equal(0n);
      expect(await f.token.balanceOf(await f.hub.getAddress())).to.equal(hubTokensBefore);

      // The beneficiary downloads one result and decrypts it.
      const events = await f.taskManager.queryFilter(f.taskManager.filters.TaskCompleted(ids[0]));
      const url = Buffer.from(getBytes(events[0].args.results)).toString("utf8");
      const blob = Buffer.from(await (await fetch(url)).arrayBuffer());
      const archive = decryptResult(beneficiary.privateKeyPem, blob, getBytes(ids[0]));
      const result = JSON.parse(
        Buffer.from(unpackArchive(archive).find((e) => e.path === "result.json")!.data).toString(),
      );
      // The request's params say "--threshold 3": every heart rate of the dataset is above it.
      expect(result.threshold).to.equal(3);
      expect(result.anomalies).to.have.length(5);
      expect(deal.botSize).to.equal(20n);
      // The honest hosts ran their tasks in warm sandboxes, idle now, with no task folder left.
      for (const i of [0, 1]) {
        const left = readdirSync(join(assets.dir, `enclave${i}`));
        expect(
          left.some((n) => n.startsWith("warm-")),
          left.join(),
        ).to.equal(true);
        expect(
          left.some((n) => n.startsWith("task-")),
          left.join(),
        ).to.equal(false);
      }

      // An auditor checks the whole evidence, the quote's chain to the SMS's pinned root included.
      const attestationRoot = await createSmsClient({
        url: sms.url,
        chainId: f.chainId,
      }).attestationRoot();
      expect(attestationRoot.rootCertPem.trim()).to.equal(authority.root.certPem.trim());
      const report = await verifyTask(await fixtureClient(f), {
        taskId: audited,
        resultKeyPem: beneficiary.privateKeyPem,
        attestationRoot,
      });
      const lines = report.steps.map((s) => `${s.id}: ${s.status} ${s.detail}`).join("\n");
      expect(report.steps.find((s) => s.id === "certificate-chain")?.status, lines).to.equal(
        "pass",
      );
      expect(report.ok, lines).to.equal(true);
      // A root from another authority does not vouch for this platform.
      const rogue = await verifyTask(await fixtureClient(f), {
        taskId: audited,
        attestationRoot: { rootCertPem: createAuthority({ name: "Rogue" }).root.certPem },
      });
      expect(rogue.steps.find((s) => s.id === "certificate-chain")).to.include({ status: "fail" });
      expect(rogue.ok).to.equal(false);
    } finally {
      await pool.stop();
    }
  });
});
