import { randomBytes, type KeyObject } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  TypedDataEncoder,
  ZeroAddress,
  getAddress,
  getBytes,
  hashMessage,
  hexlify,
  keccak256,
} from "ethers";
import {
  addressOfPrivateKey,
  randomPrivateKey,
  recoverAddress,
  signDigest,
} from "../../core/crypto/secp256k1.js";
import { taskDomain } from "../../core/domain.js";
import { taskId as computeTaskId } from "../../core/deal.js";
import { packArchive } from "../../core/crypto/archive.js";
import { sha256Hex } from "../../core/crypto/bytes.js";
import { decryptDataset } from "../../core/crypto/datasetFile.js";
import { encryptResult, generateX25519Key, openEnvelope } from "../../core/crypto/x25519.js";
import {
  ATTESTATION_STATEMENT_TYPES,
  ENCLAVE_RESULT_TYPES,
  resultHash,
  resultSeal,
} from "../../core/results.js";
import {
  sessionRequestDigest,
  type ReleasedSecrets,
  type SessionResponse,
  type UnsignedSessionRequest,
} from "../../core/sms.js";
import { EnclaveError, type EnclaveFailure } from "../errors.js";
import { loadBundle, measureApp, validateEnclaveConfig } from "../measurement.js";
import { computeReportData, signQuote, type QuoteBody } from "../attestation/quote.js";
import type { PlatformIdentity } from "../attestation/authority.js";
import { computeInputHash, receiptHash, type UsageReceipt } from "../receipt.js";
import type { IsolationSupport } from "../sandbox/isolation.js";
import type { SandboxOutcome } from "../sandbox/runSandboxed.js";
import { fetchDataset } from "./dataset.js";
import { collectOutputs } from "./outputs.js";
import type { SmsSessionClient } from "./smsClient.js";
import { openTaskSlot, type TaskSlot } from "./taskSlot.js";
import type { WarmSandboxes } from "./warmSandboxes.js";
import type { EnclaveTaskResult, EnclaveTaskSpec } from "./protocol.js";

/** What the host gives the pipeline; the platform key never leaves the host process. */
export interface PipelineContext {
  platform: PlatformIdentity;
  platformKey: KeyObject;
  isolation: IsolationSupport;
  /** Parent folder of per-task folders (0700). */
  workDir: string;
  nodePath: string;
  /** The host's warm sandboxes (apps measured with `"reuse": "deal"`). */
  warm: WarmSandboxes;
  /** The host's client of the SMS at a URL (it keeps a few nonces for the next tasks). */
  sms(url: string): SmsSessionClient;
  /** Asks the worker for the scheduler's authorization of the fresh enclave address. */
  requestAuthorization(enclave: string): Promise<string>;
  /** Asks the worker to sign the session request digest (EIP-191). */
  requestWorkerSignature(digest: string): Promise<string>;
}

const OUTCOME_FAILURE: Record<Exclude<SandboxOutcome, "ok">, EnclaveFailure> = {
  failed: "AppFailed",
  timeout: "AppTimeout",
  "cpu-limit": "AppCpuLimit",
  "memory-limit": "AppMemoryLimit",
  "output-limit": "OutputTooLarge",
};

/**
 * One TEE task inside the enclave host: fresh enclave keys, quote, SMS session, pre-compute
 * (dataset fetch, checksum, decryption), compute (sandboxed app), post-compute (archive + salt,
 * digest, encryption for the beneficiary, usage receipt, signatures). The task's folders are
 * wiped whatever happens; keys and secrets stay in this process. The app's slot (a task folder, or
 * a warm sandbox of the deal) is prepared while the SMS session runs.
 */
export async function runPipeline(
  spec: EnclaveTaskSpec,
  ctx: PipelineContext,
): Promise<EnclaveTaskResult> {
  const t0 = performance.now();
  const startedAt = Date.now();
  const config = validateEnclaveConfig(spec.app.config);
  const bundle = await loadBundle(spec.app.bundlePath);
  const mrenclave = measureApp(bundle, config);
  const taskId = computeTaskId(spec.dealId, spec.taskIndex);
  const domain = taskDomain(spec.chainId, spec.taskManager);
  const opening = openTaskSlot({
    bundle,
    config,
    dealKey: `${spec.chainId}:${spec.taskManager}:${spec.dealId}:${mrenclave}`.toLowerCase(),
    workDir: ctx.workDir,
    nodePath: ctx.nodePath,
    isolation: ctx.isolation,
    warm: ctx.warm,
  });
  opening.catch(() => undefined); // awaited below; a failure is reported there
  let slot: TaskSlot | undefined;
  let reusable = true;
  try {
    // Per-task enclave identity.
    const enclaveKey = randomPrivateKey();
    const enclave = { address: addressOfPrivateKey(enclaveKey) };
    const encryption = generateX25519Key();
    const t1 = performance.now();

    // Attestation and key release.
    const sms = ctx.sms(spec.smsUrl);
    const [authorization, { nonce }] = await Promise.all([
      ctx.requestAuthorization(enclave.address),
      sms.nonce(),
    ]);
    const body: QuoteBody = {
      mrenclave,
      debug: config.debug,
      securityVersion: ctx.platform.securityVersion,
      tcbStatus: ctx.platform.tcbStatus,
      enclave: enclave.address,
      encryptionKey: encryption.publicKey.toString("base64"),
      reportData: computeReportData(enclave.address, encryption.publicKey, nonce),
      platformId: ctx.platform.platformId,
      issuedAt: Math.floor(Date.now() / 1000),
      networkIsolated: ctx.isolation.network,
    };
    const quote = signQuote(body, ctx.platformKey, ctx.platform.certChain);
    const unsigned: UnsignedSessionRequest = {
      taskId,
      dealId: spec.dealId,
      taskIndex: spec.taskIndex.toString(),
      worker: getAddress(spec.worker),
      nonce,
      quote,
      authorization,
    };
    const workerSignature = await ctx.requestWorkerSignature(sessionRequestDigest(unsigned));
    const session = await sms.session({ ...unsigned, workerSignature });
    const secrets = openSession(session, {
      taskId,
      enclave: enclave.address,
      mrenclave,
      domain,
      privateKey: encryption.privateKey,
    });
    if (!secrets.beneficiaryKey)
      throw new EnclaveError(
        "BeneficiaryKeyMissing",
        "The beneficiary has no result key at the SMS: a TEE result cannot be encrypted.",
        { hint: "The beneficiary pushes an X25519 public key (kind beneficiary-key)." },
      );
    const t2 = performance.now();

    slot = await opening;
    const { inDir, outDir } = slot;

    // Pre-compute.
    let datasetPlain: Buffer | null = null;
    let datasetChecksum: string | null = null;
    if (spec.deal.dataset !== ZeroAddress) {
      if (!spec.dataset || !secrets.datasetKey)
        throw new EnclaveError("DatasetUnavailable", "The deal has a dataset but no location/key.");
      const file = await fetchDataset(spec.dataset.url);
      datasetChecksum = sha256Hex(file);
      const expected = [spec.dataset.checksum, secrets.datasetChecksum ?? ""];
      if (expected.some((c) => c.toLowerCase() !== datasetChecksum))
        throw new EnclaveError(
          "DatasetChecksumMismatch",
          "The dataset's sha256 differs from its on-chain checksum.",
        );
      try {
        datasetPlain = decryptDataset(file, Buffer.from(secrets.datasetKey, "base64"));
      } catch (cause) {
        throw new EnclaveError("DatasetDecryptFailed", "The dataset key does not open it.", {
          cause,
        });
      }
      await writeFile(join(inDir, "dataset"), datasetPlain, { mode: 0o600 });
    }
    await writeFile(join(inDir, "params.json"), spec.params, { mode: 0o600 });
    await writeFile(
      join(inDir, "secrets.json"),
      JSON.stringify({
        appSecret: secrets.appSecret ?? null,
        requesterSecrets: secrets.requesterSecrets ?? {},
      }),
      { mode: 0o600 },
    );
    const inputHash = computeInputHash(datasetPlain, spec.params, []);
    const t3 = performance.now();

    // Compute.
    const run = await slot.run();
    reusable = run.outcome === "ok";
    if (run.outcome !== "ok")
      throw new EnclaveError(
        OUTCOME_FAILURE[run.outcome],
        `The app did not complete (${run.outcome}, exit ${run.exitCode ?? run.signal}).`,
        { details: config.debug ? run.stderr : undefined },
      );
    const t4 = performance.now();

    // Post-compute.
    const outputs = await collectOutputs(outDir, config.limits.outputBytes);
    let callbackData = "0x";
    let resultDigest: string;
    const archive = packArchive([...outputs, { path: ".polis/salt", data: randomBytes(32) }]);
    if (spec.deal.callback !== ZeroAddress) {
      const cb = outputs.find((e) => e.path === "callback.bin");
      if (!cb) throw new EnclaveError("OutputInvalid", "A callback deal needs out/callback.bin.");
      callbackData = hexlify(cb.data);
      resultDigest = keccak256(cb.data);
    } else {
      resultDigest = sha256Hex(archive);
    }
    const encryptedResult = encryptResult(
      Buffer.from(secrets.beneficiaryKey, "base64"),
      archive,
      getBytes(taskId),
    );
    const receipt: UsageReceipt = {
      version: 1,
      chainId: spec.chainId.toString(),
      taskManager: getAddress(spec.taskManager),
      dealId: spec.dealId,
      taskId,
      app: getAddress(spec.deal.app),
      mrenclave,
      datasetChecksum,
      inputHash,
      resultDigest,
      cpuMs: run.cpuMs,
      wallMs: run.wallMs,
      peakMemoryBytes: run.peakMemoryBytes,
      startedAt,
      finishedAt: Date.now(),
      enclave: enclave.address,
      networkIsolated: run.networkIsolated,
    };
    const rHash = receiptHash(receipt);
    const worker = getAddress(spec.worker);
    // What signEnclaveResult and enclave.signMessage make, through libsecp256k1.
    const enclaveSignature = signDigest(
      TypedDataEncoder.hash(domain, ENCLAVE_RESULT_TYPES, {
        resultHash: resultHash(taskId, resultDigest),
        resultSeal: resultSeal(worker, taskId, resultDigest),
        receiptHash: rHash,
      }),
      enclaveKey,
    );
    const receiptSignature = signDigest(hashMessage(getBytes(rHash)), enclaveKey);
    const t5 = performance.now();
    return {
      taskId,
      dealId: spec.dealId,
      taskIndex: spec.taskIndex,
      worker,
      enclave: enclave.address,
      mrenclave,
      resultDigest,
      receiptHash: rHash,
      receipt,
      receiptSignature,
      enclaveSignature,
      attestation: session.attestation,
      verifier: session.verifier,
      quote,
      encryptedResult,
      encryptedResultSha256: sha256Hex(encryptedResult),
      callbackData,
      usage: { cpuMs: run.cpuMs, wallMs: run.wallMs, peakMemoryBytes: run.peakMemoryBytes },
      isolation: {
        networkIsolated: run.networkIsolated,
        rlimitsApplied: run.rlimitsApplied,
        accounting: run.accounting,
      },
      timings: {
        setupMs: Math.round(t1 - t0),
        sessionMs: Math.round(t2 - t1),
        precomputeMs: Math.round(t3 - t2),
        computeMs: Math.round(t4 - t3),
        postcomputeMs: Math.round(t5 - t4),
      },
    };
  } finally {
    await (slot ?? (await opening.catch(() => undefined)))?.finish(reusable);
  }
}

/** Checks the SMS response belongs to this task and enclave, and opens the sealed secrets. */
function openSession(
  session: SessionResponse,
  expected: {
    taskId: string;
    enclave: string;
    mrenclave: string;
    domain: ReturnType<typeof taskDomain>;
    privateKey: KeyObject;
  },
): ReleasedSecrets {
  const bad = (why: string): never => {
    throw new EnclaveError("SessionResponseInvalid", `Invalid SMS session response: ${why}.`);
  };
  if (typeof session !== "object" || session === null) bad("not an object");
  if (session.taskId !== expected.taskId) bad("taskId");
  if (session.enclave?.toLowerCase() !== expected.enclave.toLowerCase()) bad("enclave");
  if (session.mrenclave !== expected.mrenclave) bad("mrenclave");
  const statement = TypedDataEncoder.hash(expected.domain, ATTESTATION_STATEMENT_TYPES, {
    taskId: expected.taskId,
    enclave: expected.enclave,
    mrenclave: expected.mrenclave,
  });
  const signer = recoverAddress(statement, String(session.attestation));
  if (!signer) bad("attestation signature");
  if (signer!.toLowerCase() !== String(session.verifier).toLowerCase()) bad("verifier");
  try {
    const plain = openEnvelope(expected.privateKey, session.secrets, getBytes(expected.taskId));
    return JSON.parse(plain.toString("utf8")) as ReleasedSecrets;
  } catch (cause) {
    throw new EnclaveError("SessionResponseInvalid", "The sealed secrets do not open.", { cause });
  }
}
