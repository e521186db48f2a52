import { ZeroAddress, ZeroHash, getBytes, toUtf8String } from "ethers";
import { isTee, receiptMismatches } from "../../core/index.js";
import { BaseError } from "../../core/errors/index.js";
import { verifyAttestationEvidence } from "../../enclave/attestation/evidence.js";
import { AttestationError } from "../../enclave/errors.js";
import {
  MAX_RECEIPT_BYTES,
  getReceipt,
  type GetReceiptReturnType,
} from "../../sdk/actions/results/getReceipt.js";
import { fetchPublicJson } from "./publicFetch.js";
import type { EvidenceCheck, EvidenceContext } from "./types.js";

export interface OffChainEvidenceOptions {
  /** The attestation root (PEM) quotes must chain to, and revocation lists; without it the
   * certificate chain is not checked ("skip"). */
  attestationRoot?: { rootCertPem: string; crls?: readonly unknown[] };
  /** Per request to a pool's result store (default 5 s). */
  timeoutMs?: number;
  /**
   * Fetch result stores on loopback and private addresses too (a dev stack on 127.0.0.1).
   * Default false: the URL is chosen by the pool, and the auditor must not become a proxy into
   * its own network.
   */
  allowPrivateUrls?: boolean;
}

type Fetched = { ok: true; value: GetReceiptReturnType } | { ok: false; message: string };

/**
 * The evidence a pool publishes off-chain, next to the result: the enclave-signed usage receipt
 * (checked against the on-chain receiptHash and the task) and the attestation quote (its chain to
 * the attestation root, the enclave and measurement it names). An unreachable store is a "skip"
 * with the reason: the on-chain evidence still stands, but the report says what is missing.
 * @example verifyTaskEvidence(client, taskId, offChainEvidenceChecks({ attestationRoot }))
 */
export function offChainEvidenceChecks(options: OffChainEvidenceOptions = {}): {
  usageReceipt: EvidenceCheck;
  certificateChain: EvidenceCheck;
} {
  // One download per task for both checks; bounded, as the integrity check walks every task.
  const cache = new Map<string, Promise<Fetched>>();
  const receiptOf = (ctx: EvidenceContext): Promise<Fetched> => {
    let p = cache.get(ctx.taskId);
    if (!p) {
      const fetching = fetchReceipt(ctx, options);
      if (cache.size >= 256) cache.delete(cache.keys().next().value!);
      cache.set(ctx.taskId, fetching);
      // Receipts are immutable once stored; an unreachable store is asked again next time.
      void fetching.then((f) => f.ok || cache.delete(ctx.taskId));
      p = fetching;
    }
    return p;
  };

  return {
    async usageReceipt(ctx) {
      if (ctx.completion.receiptHash === ZeroHash)
        return { status: "skip", message: "No receipt was committed (not a TEE result)." };
      const fetched = await receiptOf(ctx);
      if (!fetched.ok) return { status: "skip", message: fetched.message };
      const f = fetched.value;
      if (f.hash !== ctx.completion.receiptHash)
        return {
          status: "fail",
          message: `The receipt hashes to ${f.hash}, not the on-chain ${ctx.completion.receiptHash}.`,
        };
      if (f.signer?.toLowerCase() !== ctx.completion.enclave.toLowerCase())
        return {
          status: "fail",
          message: `The receipt is signed by ${f.signer ?? "nobody"}, not by the enclave ${ctx.completion.enclave}.`,
        };
      const checksum =
        ctx.deal.dataset === ZeroAddress
          ? null
          : await ctx.client.datasetRegistry.datasetChecksum(ctx.deal.dataset);
      const wrong = receiptMismatches(f.receipt, {
        chainId: ctx.client.chainId,
        taskManager: ctx.client.deployment.taskManager,
        dealId: ctx.dealId,
        taskId: ctx.taskId,
        app: ctx.deal.app,
        mrenclave: ctx.deal.mrenclave,
        datasetChecksum: checksum,
        resultDigest: ctx.completion.resultDigest,
        enclave: ctx.completion.enclave,
      });
      if (wrong.length)
        return {
          status: "fail",
          message: `The receipt does not describe this task: ${wrong.join(", ")} differ.`,
        };
      const r = f.receipt;
      return {
        status: "pass",
        message: `Signed by the enclave, hashes to receiptHash: ${r.cpuMs} ms CPU, ${r.wallMs} ms wall, ${r.peakMemoryBytes} bytes peak, network isolated: ${r.networkIsolated}.`,
        details: { url: f.url, inputHash: r.inputHash },
      };
    },

    async certificateChain(ctx) {
      if (!isTee(ctx.deal.tag))
        return { status: "skip", message: "Not a TEE deal: no enclave is involved." };
      if (!options.attestationRoot)
        return {
          status: "skip",
          message:
            "No attestation root configured (AUDITOR_ATTESTATION_DIR or AUDITOR_SMS_URL): not checked.",
        };
      const fetched = await receiptOf(ctx);
      if (!fetched.ok) return { status: "skip", message: fetched.message };
      if (fetched.value.quote === undefined)
        return {
          status: "skip",
          message: "The pool publishes no attestation quote for this task.",
        };
      try {
        const v = verifyAttestationEvidence(
          fetched.value.quote,
          options.attestationRoot.rootCertPem,
          { enclave: ctx.completion.enclave, mrenclave: ctx.deal.mrenclave },
          options.attestationRoot.crls,
        );
        return {
          status: "pass",
          message: `Quote of platform ${v.platformId} (TCB ${v.tcb.status}/${v.tcb.securityVersion}) chains to the attestation root and names this enclave and measurement.`,
          details: { platformId: v.platformId, serials: v.serials.join(",") },
        };
      } catch (error) {
        if (!(error instanceof AttestationError)) throw error;
        return { status: "fail", message: `${error.reason}: ${error.shortMessage}` };
      }
    },
  };
}

async function fetchReceipt(
  ctx: EvidenceContext,
  options: OffChainEvidenceOptions,
): Promise<Fetched> {
  let resultUrl: string;
  try {
    resultUrl = toUtf8String(getBytes(ctx.completion.results));
    if (!["http:", "https:"].includes(new URL(resultUrl).protocol)) throw new Error("scheme");
  } catch {
    return { ok: false, message: "The on-chain result is not a result store URL." };
  }
  try {
    const getJson = (url: string) =>
      fetchPublicJson(url, {
        service: "result store",
        timeoutMs: options.timeoutMs ?? 5_000,
        maxBytes: MAX_RECEIPT_BYTES,
        allowPrivate: options.allowPrivateUrls,
      });
    const receiptHash = ctx.completion.receiptHash;
    return {
      ok: true,
      value: await getReceipt({ resultUrl, taskId: ctx.taskId, receiptHash, getJson }),
    };
  } catch (error) {
    if (error instanceof BaseError)
      return { ok: false, message: `The pool's receipt is unavailable: ${error.shortMessage}` };
    throw error;
  }
}
