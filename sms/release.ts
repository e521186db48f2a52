import { SigningKey, ZeroAddress, ZeroHash, computeAddress } from "ethers";
import type { Logger } from "pino";
import { canonicalBytes } from "../src/core/canonical.js";
import {
  requestedSecretNames,
  type ReleasedSecrets,
  type SessionRequest,
  type SessionResponse,
} from "../src/core/sms.js";
import type { AuditEntry } from "./audit/auditLog.js";
import { ReleaseDenied, SmsUnavailable } from "./errors.js";
import type { SmsMetrics } from "./metrics.js";
import {
  checkRelease,
  type ApprovedRelease,
  type ReleasePolicyContext,
} from "./policy/releasePolicy.js";
import { parseSessionRequest } from "./policy/sessionRequest.js";
import { SecretCorruptError } from "./store/secretStore.js";
import type { SmsStore } from "./store/smsStore.js";
import { sealSecrets } from "./crypto/releaseCrypto.js";

export interface ReleaseServiceDeps extends ReleasePolicyContext {
  store: SmsStore;
  /** The SMS's attestation verifier key (registered on-chain with setAttestationVerifier); the
   * crypto pool signs with it. */
  verifierKey: SigningKey;
  metrics: SmsMetrics;
  logger: Logger;
}

export interface ReleaseService {
  /**
   * Runs the whole release: shape, policy, then one transaction that burns the nonce, counts the
   * grant use, reads the secrets and writes the audit row. Only then are secrets sealed to the
   * enclave and the attestation statement signed. Every denial is audited before it is returned.
   * @throws ReleaseDenied, or SmsUnavailable (503) when the audit log or the chain fails.
   */
  release(body: unknown): Promise<SessionResponse>;
  /** The address of the verifier key. */
  verifier: string;
}

export function createReleaseService(deps: ReleaseServiceDeps): ReleaseService {
  const { store, logger, metrics } = deps;
  const verifierAddress = computeAddress(deps.verifierKey.publicKey);

  const audit = (entry: AuditEntry) => {
    try {
      return store.audit.append(entry);
    } catch (cause) {
      throw new SmsUnavailable("AuditUnavailable", "The audit log cannot be written.", { cause });
    }
  };

  const subjectOf = (r: SessionRequest | undefined, approved?: ApprovedRelease) => ({
    task: r?.taskId,
    deal: r?.dealId,
    worker: r?.worker,
    enclave: approved?.quote.body.enclave,
    platform: approved?.quote.platformId,
  });

  /** Audits a denial (burning an authentic nonce) in its own transaction, then rethrows it. */
  const denied = async (e: ReleaseDenied, request: SessionRequest | undefined): Promise<never> => {
    await store.commit(() => {
      if (request && deps.tokens.check("session", "", request.nonce) !== "invalid")
        deps.tokens.markUsed("session", request.nonce);
      audit({
        action: "release",
        outcome: "denied",
        reason: e.reason,
        subject: subjectOf(request),
      });
    });
    metrics.releases.inc({ outcome: "denied", reason: e.reason });
    logger.info({ reason: e.reason, taskId: request?.taskId }, "release denied");
    throw e;
  };

  /** Burns the nonce, counts the grant use, reads the secrets and audits, in the group commit. */
  const stage = (a: ApprovedRelease) =>
    store.stage(() => {
      const { request, deal } = a;
      if (!deps.tokens.markUsed("session", request.nonce))
        throw new ReleaseDenied("NonceReused", "The nonce was already used.");
      if (a.grantKey !== ZeroHash) {
        const usage = store.grants.usage(a.grantKey, request.taskId);
        if (!usage.counted && usage.tasks >= a.grantUses)
          throw new ReleaseDenied("DatasetGrantUsedUp", "Every use of the dataset grant is spent.");
        store.grants.record(a.grantKey, request.taskId);
      }
      const secrets = readSecrets(store, deal, a.params, a.datasetChecksum);
      audit({
        action: "release",
        outcome: "granted",
        reason: "Released",
        subject: subjectOf(request, a),
      });
      return secrets;
    });

  return {
    verifier: verifierAddress,
    async release(body) {
      let request: SessionRequest | undefined;
      let approved: ApprovedRelease;
      let secrets: SessionResponse["secrets"];
      try {
        request = parseSessionRequest(body);
        approved = await checkRelease(request, deps);
        const staged = stage(approved);
        // Seal while the group commit is pending; nothing is sent before the audit row is durable.
        secrets = sealSecrets(
          approved.quote.body.encryptionKey,
          canonicalBytes(staged.value),
          request.taskId,
        );
        await staged.durable;
      } catch (e) {
        if (e instanceof ReleaseDenied) return denied(e, request);
        if (isAuditFailure(e))
          e = new SmsUnavailable("AuditUnavailable", "The audit log cannot be written.", {
            cause: e,
          });
        if (e instanceof SmsUnavailable) {
          metrics.releases.inc({ outcome: "failed", reason: e.reason });
          logger.error({ reason: e.reason, err: e.cause }, "release failed");
          throw e;
        }
        // Chain or other infrastructure failure: record it, release nothing.
        try {
          await store.commit(() =>
            audit({
              action: "release",
              outcome: "failed",
              reason: "ChainUnavailable",
              subject: subjectOf(request),
            }),
          );
        } catch {
          // the 503 below is the answer either way
        }
        metrics.releases.inc({ outcome: "failed", reason: "ChainUnavailable" });
        logger.error({ err: e }, "release failed");
        throw new SmsUnavailable("ChainUnavailable", "The chain cannot be read right now.", {
          cause: e,
        });
      }
      const q = approved.quote.body;
      metrics.releases.inc({ outcome: "granted", reason: "Released" });
      return {
        taskId: request.taskId,
        enclave: q.enclave,
        mrenclave: q.mrenclave,
        secrets,
        attestation: approved.statement,
        verifier: verifierAddress,
      };
    },
  };
}

function readSecrets(
  store: SmsStore,
  deal: ApprovedRelease["deal"],
  params: string,
  datasetChecksum: string | undefined,
): ReleasedSecrets {
  try {
    const out: ReleasedSecrets = { requesterSecrets: {} };
    if (deal.dataset !== ZeroAddress) {
      const key = store.secrets.get("dataset-key", deal.dataset);
      if (!key)
        throw new ReleaseDenied("DatasetKeyMissing", "The dataset owner has not pushed its key.");
      out.datasetKey = key.toString("base64");
      out.datasetChecksum = datasetChecksum;
    }
    const appSecret = store.secrets.get("app-secret", deal.app);
    if (appSecret) out.appSecret = appSecret.toString("utf8");
    for (const name of requestedSecretNames(params)) {
      const value = store.secrets.get("requester-secret", deal.requester, name);
      if (!value)
        throw new ReleaseDenied("RequesterSecretMissing", `The requester has no secret "${name}".`);
      out.requesterSecrets[name] = value.toString("utf8");
    }
    const beneficiaryKey = store.secrets.get("beneficiary-key", deal.beneficiary);
    if (beneficiaryKey) out.beneficiaryKey = beneficiaryKey.toString("base64");
    return out;
  } catch (e) {
    if (e instanceof SecretCorruptError)
      throw new ReleaseDenied("SecretCorrupt", "A stored secret does not authenticate.");
    throw e;
  }
}

/** A database error raised while writing (the audit row's transaction could not be made durable). */
function isAuditFailure(e: unknown): boolean {
  return e instanceof Error && (e as { code?: string }).code === "ERR_SQLITE_ERROR";
}
