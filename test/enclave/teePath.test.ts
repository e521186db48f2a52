import { expect } from "chai";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getBytes } from "ethers";
import { sha256Hex } from "../../src/core/crypto/bytes.js";
import { unpackArchive } from "../../src/core/crypto/archive.js";
import { decryptResult, generateX25519KeyPair } from "../../src/core/crypto/x25519.js";
import { signWorkerAuthorization } from "../../src/core/signing.js";
import { taskId as computeTaskId } from "../../src/core/deal.js";
import { saveHostIdentity } from "../../src/enclave/attestation/files.js";
import { createEnclaveHost, workerHooks, type EnclaveHost } from "../../src/enclave/enclaveHost.js";
import { EnclaveError } from "../../src/enclave/errors.js";
import { toFastResult } from "../../src/enclave/fastResult.js";
import { receiptHash, verifyReceiptSignature } from "../../src/enclave/receipt.js";
import type { EnclaveTaskSpec } from "../../src/enclave/host/protocol.js";
import { networkHelpers } from "../helpers/fixture.js";
import { platform, startSms, type SmsHarness } from "../sms/helpers/harness.js";
import { pushSecret } from "../sms/helpers/pushClient.js";
import { matchTeeDeal, serveBytes, teeMarketFixture, type TeeMarket } from "./helpers/teeMarket.js";

describe("TEE path (dataset owner -> SMS -> enclave -> chain -> beneficiary)", function () {
  this.timeout(120_000);
  let m: TeeMarket;
  let h: SmsHarness;
  let host: EnclaveHost;
  let hostDir: string;
  const beneficiary = generateX25519KeyPair();

  before(async () => {
    hostDir = mkdtempSync(join(tmpdir(), "polis-host-"));
    await saveHostIdentity(join(hostDir, "platform"), platform);
    host = createEnclaveHost(
      {},
      { platformDir: join(hostDir, "platform"), workDir: join(hostDir, "work") },
    );
    await host.start();
  });
  after(async () => {
    await host.stop();
    rmSync(hostDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    m = await networkHelpers.loadFixture(teeMarketFixture);
    h = await startSms(m.f);
  });
  afterEach(async () => h.stop());

  async function provision() {
    const { f } = m;
    expect(
      (
        await pushSecret({
          url: h.url,
          chainId: f.chainId,
          signer: f.actors.datasetOwner,
          kind: "dataset-key",
          target: m.dataset,
          value: m.datasetKey,
        })
      ).status,
    ).to.equal(200);
    expect(
      (
        await pushSecret({
          url: h.url,
          chainId: f.chainId,
          signer: f.actors.requester,
          kind: "beneficiary-key",
          target: f.actors.requester.address,
          value: beneficiary.publicKey,
        })
      ).status,
    ).to.equal(200);
  }

  function specFor(
    dealId: string,
    deal: EnclaveTaskSpec["deal"],
    datasetUrl: string,
    index = 0n,
  ): EnclaveTaskSpec {
    return {
      chainId: m.f.chainId,
      taskManager: m.f.taskDomain.verifyingContract as string,
      dealId,
      deal,
      taskIndex: index,
      params: '{"args":"--threshold 100"}',
      worker: m.f.actors.worker1.address,
      smsUrl: h.url,
      app: { bundlePath: m.bundlePath, config: m.config },
      dataset: { url: datasetUrl, checksum: m.datasetChecksum },
    };
  }
  const hooks = () =>
    workerHooks(m.f.actors.worker1, (enclave) =>
      signWorkerAuthorization(m.f.actors.poolOwner, m.f.taskDomain, {
        worker: m.f.actors.worker1.address,
        taskId: lastTaskId,
        enclave,
      }),
    );
  let lastTaskId = "";

  it("runs a task end to end: the chain accepts the attested result and the beneficiary decrypts it", async () => {
    await provision();
    const { dealId, deal } = await matchTeeDeal(m);
    const served = await serveBytes(m.datasetFile);
    try {
      lastTaskId = computeTaskId(dealId, 0n);
      const out = await host.runTask(specFor(dealId, deal, served.url), hooks());

      // The enclave's receipt: signed by the enclave, hash committed on-chain below.
      expect(out.mrenclave).to.equal(m.mrenclave);
      expect(receiptHash(out.receipt)).to.equal(out.receiptHash);
      expect(verifyReceiptSignature(out.receipt, out.receiptSignature)).to.equal(true);
      expect(out.receipt.datasetChecksum).to.equal(m.datasetChecksum);
      expect(out.receipt.cpuMs).to.be.greaterThan(0);
      expect(out.receipt.wallMs).to.be.greaterThan(0);
      expect(out.receipt.peakMemoryBytes).to.be.greaterThan(1 << 20);
      expect(out.receipt.networkIsolated).to.equal(true);
      expect(out.encryptedResultSha256).to.equal(sha256Hex(out.encryptedResult));

      // The worker pushes it; the task manager checks the enclave signature and the SMS statement.
      const url = `http://127.0.0.1:13600/results/${out.encryptedResultSha256.slice(2)}`;
      const authorization = await signWorkerAuthorization(m.f.actors.poolOwner, m.f.taskDomain, {
        worker: m.f.actors.worker1.address,
        taskId: out.taskId,
        enclave: out.enclave,
      });
      const tx = await m.f.taskManager
        .connect(m.f.actors.worker1)
        .pushResult(dealId, deal, toFastResult(out, url), authorization);
      await expect(tx)
        .to.emit(m.f.taskManager, "TaskCompleted")
        .withArgs(
          out.taskId,
          dealId,
          m.f.actors.worker1.address,
          0n,
          out.resultDigest,
          out.receiptHash,
          out.enclave,
          (x: string) => typeof x === "string",
        );
      expect((await m.f.taskManager.taskOf(out.taskId)).status).to.equal(3n);

      // The beneficiary decrypts the archive: the app's output plus the salt.
      const archive = decryptResult(
        beneficiary.privateKeyPem,
        out.encryptedResult,
        getBytes(out.taskId),
      );
      expect(sha256Hex(archive)).to.equal(out.resultDigest);
      const files = Object.fromEntries(
        unpackArchive(archive).map((e) => [e.path, Buffer.from(e.data)]),
      );
      expect(Object.keys(files).sort()).to.deep.equal([".polis/salt", "result.json"]);
      expect(JSON.parse(files["result.json"].toString())).to.deep.equal({
        rows: 5,
        threshold: 100,
        anomalies: [
          { t: 2, hr: 131 },
          { t: 4, hr: 142 },
        ],
        appSecretSeen: false,
      });
      // Nothing of the task is left in the host's work folder.
      expect(readdirSafe(join(hostDir, "work"))).to.deep.equal([]);
    } finally {
      served.server.close();
    }
  });

  it("fails with the SMS's reason when the app bundle differs from the on-chain measurement", async () => {
    await provision();
    const { dealId, deal } = await matchTeeDeal(m);
    lastTaskId = computeTaskId(dealId, 0n);
    const spec = specFor(dealId, deal, m.datasetPath);
    spec.app = {
      ...spec.app,
      config: { ...spec.app.config, limits: { ...spec.app.config.limits, wallMs: 9_999 } },
    };
    const e = await host.runTask(spec, hooks()).catch((x: unknown) => x);
    expect(e).to.be.instanceOf(EnclaveError);
    expect((e as EnclaveError).reason).to.equal("SessionRefused");
    expect((e as EnclaveError).details).to.equal("MeasurementMismatch");
  });

  it("refuses a dataset whose bytes differ from the on-chain checksum", async () => {
    await provision();
    const { dealId, deal } = await matchTeeDeal(m);
    lastTaskId = computeTaskId(dealId, 0n);
    const tampered = Buffer.from(m.datasetFile);
    tampered[tampered.length - 20] ^= 1;
    const served = await serveBytes(tampered);
    try {
      const e = await host
        .runTask(specFor(dealId, deal, served.url), hooks())
        .catch((x: unknown) => x);
      expect((e as EnclaveError).reason).to.equal("DatasetChecksumMismatch");
    } finally {
      served.server.close();
    }
  });

  it("refuses to compute without the beneficiary's result key", async () => {
    const { f } = m;
    await pushSecret({
      url: h.url,
      chainId: f.chainId,
      signer: f.actors.datasetOwner,
      kind: "dataset-key",
      target: m.dataset,
      value: m.datasetKey,
    });
    const { dealId, deal } = await matchTeeDeal(m);
    lastTaskId = computeTaskId(dealId, 0n);
    const e = await host
      .runTask(specFor(dealId, deal, m.datasetPath), hooks())
      .catch((x: unknown) => x);
    expect((e as EnclaveError).reason).to.equal("BeneficiaryKeyMissing");
  });
  it("runs tasks of one deal concurrently, each with its own enclave key", async () => {
    await provision();
    const { dealId, deal } = await matchTeeDeal(m, 3n);
    const authorize = (index: bigint) =>
      workerHooks(m.f.actors.worker1, (enclave) =>
        signWorkerAuthorization(m.f.actors.poolOwner, m.f.taskDomain, {
          worker: m.f.actors.worker1.address,
          taskId: computeTaskId(dealId, index),
          enclave,
        }),
      );
    const outs = await Promise.all(
      [0n, 1n, 2n].map((i) => host.runTask(specFor(dealId, deal, m.datasetPath, i), authorize(i))),
    );
    expect(new Set(outs.map((o) => o.enclave)).size).to.equal(3);
    expect(new Set(outs.map((o) => o.taskId)).size).to.equal(3);
    for (const out of outs)
      expect(verifyReceiptSignature(out.receipt, out.receiptSignature)).to.equal(true);
  });

  it("fails the task when the worker cannot get a scheduler authorization", async () => {
    await provision();
    const { dealId, deal } = await matchTeeDeal(m);
    const e = await host
      .runTask(
        specFor(dealId, deal, m.datasetPath),
        workerHooks(m.f.actors.worker1, () => Promise.reject(new Error("scheduler unreachable"))),
      )
      .catch((x: unknown) => x);
    expect((e as EnclaveError).reason).to.equal("WorkerHookFailed");
    expect((e as EnclaveError).shortMessage).to.include("scheduler unreachable");
  });

  it("fails running tasks with HostCrashed when the host process dies, and starts again", async () => {
    await provision();
    const { dealId, deal } = await matchTeeDeal(m);
    lastTaskId = computeTaskId(dealId, 0n);
    const running = host
      .runTask(specFor(dealId, deal, m.datasetPath), hooks())
      .catch((x: unknown) => x);
    process.kill(host.pid!, "SIGKILL");
    const e = await running;
    expect(e).to.be.instanceOf(EnclaveError);
    expect((e as EnclaveError).reason).to.equal("HostCrashed");
    await host.start();
    const out = await host.runTask(specFor(dealId, deal, m.datasetPath), hooks());
    expect(out.taskId).to.equal(lastTaskId);
  });
});

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
