import { ZeroAddress, ZeroHash } from "ethers";
import { contributionDeadline, type Deal } from "../../src/core/deal.js";
import { isTee } from "../../src/core/tags.js";
import { sessionRequestDigest, type SessionRequest } from "../../src/core/sms.js";
import { AttestationError } from "../../src/enclave/errors.js";
import type { AttestationVerifier, VerifiedQuote } from "../../src/enclave/attestation/verifier.js";
import type { ChainHead, SmsChain } from "../chain/chainReader.js";
import { ReleaseDenied } from "../errors.js";
import type { TokenStore } from "../store/tokens.js";
import type { CryptoPool } from "../crypto/cryptoPool.js";

/** Knobs of the release policy. Secure by default. */
export interface ReleasePolicyOptions {
  /** Accept quotes whose TCB is OutOfDate (never Revoked). Default false. */
  allowOutOfDateTcb?: boolean;
  /** Minimum platform security version. Default 0. */
  minSecurityVersion?: number;
  /** Refuse enclaves whose apps would run with network. Default false. */
  requireNetworkIsolation?: boolean;
}

export interface ReleasePolicyContext {
  chain: SmsChain;
  attestation: AttestationVerifier;
  tokens: TokenStore;
  options: ReleasePolicyOptions;
  /** Signature checks (inline or on worker threads). */
  crypto: CryptoPool;
}

/** What a request that passed every check releases against. */
export interface ApprovedRelease {
  request: SessionRequest;
  quote: VerifiedQuote;
  deal: Deal;
  params: string;
  /** The grant the dataset key is released under (zero when the dataset needs none). */
  grantKey: string;
  grantUses: number;
  datasetChecksum?: string;
  /** The verifier key's attestation statement over (task, enclave, measurement). */
  statement: string;
}

/**
 * Every check of the release policy except single use of the nonce and grant use counting, which
 * the caller does atomically with the audit row. Cheap local checks run first, then chain reads.
 * @throws ReleaseDenied with the first failing reason.
 */
export async function checkRelease(
  request: SessionRequest,
  ctx: ReleasePolicyContext,
): Promise<ApprovedRelease> {
  const deny = (reason: ConstructorParameters<typeof ReleaseDenied>[0], message: string): never => {
    throw new ReleaseDenied(reason, message);
  };

  // 1. The nonce: minted by this SMS, not expired, not used.
  const nonceState = ctx.tokens.check("session", "", request.nonce);
  if (nonceState === "invalid") deny("NonceInvalid", "The nonce was not issued by this SMS.");
  if (nonceState === "expired") deny("NonceExpired", "The nonce has expired.");
  if (ctx.tokens.isUsed(request.nonce)) deny("NonceReused", "The nonce was already used.");

  // 2. The quote: chain to the pinned root, dates, CRLs, signature, reportData binding the nonce.
  let quote: VerifiedQuote;
  try {
    quote = ctx.attestation.verifyQuote(request.quote, request.nonce);
  } catch (e) {
    if (e instanceof AttestationError) throw new ReleaseDenied(e.reason, e.shortMessage);
    throw e;
  }
  const q = quote.body;
  if (q.debug) deny("DebugEnclave", "Debug enclaves never get secrets.");
  if (q.tcbStatus === "Revoked") deny("TcbRejected", "The platform TCB is revoked.");
  if (q.tcbStatus !== "UpToDate" && !(q.tcbStatus === "OutOfDate" && ctx.options.allowOutOfDateTcb))
    deny("TcbRejected", `TCB status ${q.tcbStatus} is not accepted.`);
  if (q.securityVersion < (ctx.options.minSecurityVersion ?? 0))
    deny("SecurityVersionTooLow", `Security version ${q.securityVersion} is too low.`);
  if (ctx.options.requireNetworkIsolation && !q.networkIsolated)
    deny("NetworkIsolationRequired", "This SMS requires apps to run without network.");

  // 3. Signatures (worker, scheduler; the statement, kept unless approved) on the crypto pool,
  // while the chain is read.
  const known = await ctx.chain.deal(request.dealId);
  const signatures = ctx.crypto.verify({
    requestDigest: sessionRequestDigest(request),
    worker: request.worker,
    workerSignature: request.workerSignature,
    authorization: request.authorization,
    taskId: request.taskId,
    dealId: request.dealId,
    taskIndex: request.taskIndex,
    enclave: q.enclave,
    mrenclave: q.mrenclave,
    scheduler: known?.deal.scheduler ?? ZeroAddress,
  });
  const chainState = known ? readChainState(ctx.chain, request.taskId, known.deal) : undefined;
  // Settle both before deciding, so no rejection is left unobserved.
  const [sig, state] = await Promise.all([signatures, chainState?.catch((e: unknown) => e)]);
  if (!sig.workerSignature)
    deny("WorkerSignatureInvalid", "The request is not signed by the worker.");

  // 4. The deal and the task.
  if (!known) return deny("DealUnknown", "No such deal on-chain.");
  if (state instanceof Error || state === undefined) throw state;
  const { deal, params } = known;
  const index = BigInt(request.taskIndex);
  if (
    index < deal.botFirst ||
    index >= deal.botFirst + deal.botSize ||
    sig.taskId !== request.taskId.toLowerCase()
  )
    deny("TaskIdMismatch", "The task is not this index of this deal.");
  if (!isTee(deal.tag)) deny("DealNotTee", "The deal is not a TEE deal.");
  if (q.mrenclave !== deal.mrenclave.toLowerCase())
    deny("MeasurementMismatch", "The enclave does not run the deal's app measurement.");
  const { head, status, grantsRequired, datasetChecksum } = state as ChainState;
  // A contract scheduler (a multisig, a pool DAO) authorizes through ERC-1271, as on-chain.
  if (
    !sig.authorization &&
    !(await ctx.chain.isValidErc1271(
      deal.scheduler,
      sig.authorizationDigest,
      request.authorization,
      head,
    ))
  )
    deny(
      "WorkerAuthorizationInvalid",
      "The deal's scheduler did not authorize this worker and enclave.",
    );

  // 5. Chain state now: task live, deadline ahead, dataset grant live.
  if (status > 1) deny("TaskNotActive", `The task is not active (status ${status}).`);
  if (BigInt(head.timestamp) >= contributionDeadline(deal))
    deny("TaskDeadlinePassed", "The task's contribution deadline has passed.");
  let grantKey = ZeroHash;
  let grantUses = 0;
  if (grantsRequired) {
    if (deal.grantKey === ZeroHash)
      deny(
        "DatasetGrantMissing",
        "The dataset requires a grant and the deal was matched without one.",
      );
    const grant = await ctx.chain.grant(deal.grantKey, head);
    if (grant.uses === 0) deny("DatasetGrantMissing", "The deal's dataset grant no longer exists.");
    if (grant.revoked) deny("DatasetGrantRevoked", "The dataset grant was revoked.");
    if (head.timestamp > grant.expiry)
      deny("DatasetGrantExpired", "The dataset grant has expired.");
    grantKey = deal.grantKey;
    grantUses = grant.uses;
  }
  return {
    request,
    quote,
    deal,
    params,
    grantKey,
    grantUses,
    datasetChecksum,
    statement: sig.statement,
  };
}

interface ChainState {
  head: ChainHead;
  status: number;
  grantsRequired: boolean;
  datasetChecksum?: string;
}

async function readChainState(chain: SmsChain, taskId: string, deal: Deal): Promise<ChainState> {
  const head = await chain.head();
  const hasDataset = deal.dataset !== ZeroAddress;
  const [status, grantsRequired, datasetChecksum] = await Promise.all([
    chain.taskStatus(taskId, head),
    hasDataset ? chain.grantsRequired(deal.dataset, head) : Promise.resolve(false),
    hasDataset ? chain.datasetChecksum(deal.dataset) : Promise.resolve(undefined),
  ]);
  return { head, status, grantsRequired, datasetChecksum };
}
