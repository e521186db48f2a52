import { randomBytes } from "node:crypto";
import { Wallet, ZeroAddress, getBytes, hexlify, toUtf8Bytes } from "ethers";
import type { Signer } from "ethers";
import {
  receiptHash,
  resultHash,
  resultSeal,
  signAttestationStatement,
  signEnclaveResult,
  signWorkerAuthorization,
  taskId as computeTaskId,
} from "../../src/core/index.js";
import type { Deal, UsageReceipt } from "../../src/core/index.js";
import { encryptResult, packArchive, sha256Hex } from "../../src/core/crypto/index.js";
import type { ArchiveEntry } from "../../src/core/crypto/index.js";
import type { PolisClient } from "../../src/sdk/client.js";
import type { PlatformIdentity } from "../../src/enclave/attestation/authority.js";
import { computeReportData, signQuote } from "../../src/enclave/attestation/quote.js";
import type { ResultStore } from "./resultStore.js";

export interface SimulatedRun {
  taskId: string;
  digest: string;
  url: string;
  blobHash: string;
  receipt: UsageReceipt;
  receiptHash: string;
  enclave: string;
  files: ArchiveEntry[];
}

/**
 * Plays a TEE worker for one task with the same src/core helpers the real one uses: archives
 * the files (plus a salt), encrypts them to the beneficiary, stores the blob and a signed usage
 * receipt in the result store, and pushes the attested result on-chain (fast path).
 */
export async function completeTask(
  client: PolisClient,
  params: {
    dealId: string;
    deal: Deal;
    index: bigint;
    files: ArchiveEntry[];
    beneficiaryKey: Buffer;
    store: ResultStore;
    scheduler: Signer;
    worker: Signer;
    verifier: Signer;
    /** An enrolled platform: the receipt then carries a quote for the enclave, as a real host's. */
    platform?: PlatformIdentity;
  },
): Promise<SimulatedRun> {
  const taskId = computeTaskId(params.dealId, params.index);
  const files = [...params.files, { path: ".polis/salt", data: randomBytes(32) }];
  const archive = packArchive(files);
  const digest = sha256Hex(archive);
  const blob = encryptResult(params.beneficiaryKey, archive, getBytes(taskId));
  const blobHash = sha256Hex(blob).slice(2);
  params.store.blobs.set(blobHash, blob);
  const url = `${params.store.url}/results/${blobHash}`;
  const enclave = Wallet.createRandom();
  const now = Math.floor(Date.now() / 1000);
  const datasetChecksum =
    params.deal.dataset === ZeroAddress
      ? null
      : await client.datasetRegistry.datasetChecksum(params.deal.dataset);
  const receipt: UsageReceipt = {
    version: 1,
    chainId: client.chainId.toString(),
    taskManager: client.deployment.taskManager,
    dealId: params.dealId,
    taskId,
    app: params.deal.app,
    mrenclave: params.deal.mrenclave,
    datasetChecksum,
    inputHash: sha256Hex("input"),
    resultDigest: digest,
    cpuMs: 12,
    wallMs: 40,
    peakMemoryBytes: 1 << 20,
    startedAt: now - 1,
    finishedAt: now,
    enclave: enclave.address,
    networkIsolated: true,
  };
  const rh = receiptHash(receipt);
  const quote =
    params.platform && quoteFor(params.platform, enclave.address, params.deal.mrenclave);
  params.store.receipts.set(taskId, {
    receipt,
    signature: await enclave.signMessage(getBytes(rh)),
    ...(quote ? { quote } : {}),
  });
  const worker = await params.worker.getAddress();
  const td = client.taskDomain;
  const result = {
    index: params.index,
    worker,
    resultDigest: digest,
    receiptHash: rh,
    enclave: enclave.address,
    enclaveSignature: await signEnclaveResult(enclave, td, {
      resultHash: resultHash(taskId, digest),
      resultSeal: resultSeal(worker, taskId, digest),
      receiptHash: rh,
    }),
    attestation: await signAttestationStatement(params.verifier, td, {
      taskId,
      enclave: enclave.address,
      mrenclave: params.deal.mrenclave,
    }),
    results: hexlify(toUtf8Bytes(url)),
    callbackData: "0x",
  };
  const authorization = await signWorkerAuthorization(params.scheduler, td, {
    worker,
    taskId,
    enclave: enclave.address,
  });
  const tx = await client.taskManager
    .connect(params.worker)
    .pushResult(params.dealId, params.deal, result, authorization);
  await tx.wait();
  return {
    taskId,
    digest,
    url,
    blobHash,
    receipt,
    receiptHash: rh,
    enclave: enclave.address,
    files,
  };
}

/** A quote by `platform` for an enclave and measurement (nonce and encryption key are random). */
function quoteFor(platform: PlatformIdentity, enclave: string, mrenclave: string) {
  const key = randomBytes(32);
  return signQuote(
    {
      mrenclave,
      debug: false,
      securityVersion: platform.securityVersion,
      tcbStatus: platform.tcbStatus,
      enclave,
      encryptionKey: key.toString("base64"),
      reportData: computeReportData(enclave, key, hexlify(randomBytes(32))),
      platformId: platform.platformId,
      issuedAt: Math.floor(Date.now() / 1000),
      networkIsolated: true,
    },
    platform.privateKeyPem,
    platform.certChain,
  );
}
