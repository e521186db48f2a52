import { getAddress, verifyTypedData } from "ethers";
import type { Logger } from "pino";
import { sha256Hex } from "../src/core/crypto/bytes.js";
import {
  SECRET_KINDS,
  SECRET_NAME_PATTERN,
  SECRET_PUSH_TYPES,
  secretRecordId,
  smsDomain,
  type PushChallenge,
  type SecretKind,
} from "../src/core/sms.js";
import type { AuditEntry } from "./audit/auditLog.js";
import type { SmsChain } from "./chain/chainReader.js";
import { PushDenied, SmsUnavailable, type PushFailure } from "./errors.js";
import type { SmsMetrics } from "./metrics.js";
import { sameAddress } from "./policy/signatures.js";
import type { SmsStore } from "./store/smsStore.js";

export interface PushServiceDeps {
  store: SmsStore;
  chain: SmsChain;
  metrics: SmsMetrics;
  logger: Logger;
  /** Lifetime of a push challenge. Default 300 s. */
  challengeTtlSeconds?: number;
}

/** A validated secret address: kind, checksummed target, name ("" unless requester-secret). */
export interface SecretAddress {
  kind: SecretKind;
  target: string;
  name: string;
}

export interface PushService {
  /** POST /v1/challenges: a single-use nonce bound to (kind, target, name). */
  challenge(body: unknown): PushChallenge;
  /**
   * PUT /v1/secrets/...: checks challenge, signature and ownership, then stores the secret and
   * its audit row in one transaction.
   * @throws PushDenied, or SmsUnavailable when the audit log cannot be written (nothing stored).
   */
  push(
    address: { kind: string; target: string; name?: string },
    body: unknown,
  ): Promise<{ version: number }>;
  /** Existence check (never the value). @throws PushDenied("RequestMalformed") */
  exists(address: { kind: string; target: string; name?: string }): boolean;
  /** A beneficiary's public result key (base64), or undefined. Public keys only: never a secret. */
  beneficiaryKey(target: string): string | undefined;
}

/** Byte-size rules per kind: keys are exactly 32 bytes, secrets 1..4096 bytes. */
const VALUE_BYTES: Record<SecretKind, [number, number]> = {
  "dataset-key": [32, 32],
  "beneficiary-key": [32, 32],
  "app-secret": [1, 4096],
  "requester-secret": [1, 4096],
};

/** Validates kind/target/name from a path or a challenge body. */
export function parseSecretAddress(a: {
  kind?: unknown;
  target?: unknown;
  name?: unknown;
}): SecretAddress {
  const fail = (why: string): never => {
    throw new PushDenied("RequestMalformed", `Invalid secret address: ${why}.`);
  };
  if (!SECRET_KINDS.includes(a.kind as SecretKind)) fail("unknown kind");
  let target = "";
  try {
    target = getAddress(String(a.target));
  } catch {
    fail("target is not an address");
  }
  const name = a.name === undefined ? "" : a.name;
  if (typeof name !== "string") fail("name");
  if (a.kind === "requester-secret" ? !SECRET_NAME_PATTERN.test(name as string) : name !== "")
    fail("name (requester secrets need a name of [A-Za-z0-9._-]{1,64}; other kinds none)");
  return { kind: a.kind as SecretKind, target, name: name as string };
}

export function createPushService(deps: PushServiceDeps): PushService {
  const { store, chain, metrics, logger } = deps;
  const ttl = deps.challengeTtlSeconds ?? 300;

  const audit = (entry: AuditEntry) => {
    try {
      store.audit.append(entry);
    } catch (cause) {
      throw new SmsUnavailable("AuditUnavailable", "The audit log cannot be written.", { cause });
    }
  };
  const denied = async (
    reason: PushFailure,
    message: string,
    address: Partial<SecretAddress>,
    signer?: string,
  ): Promise<never> => {
    await store.commit(() =>
      audit({
        action: "push",
        outcome: "denied",
        reason,
        subject: {
          record:
            address.kind && address.target
              ? secretRecordId(address.kind, address.target, address.name)
              : undefined,
          signer,
        },
      }),
    );
    metrics.pushes.inc({ outcome: "denied", reason, kind: address.kind ?? "unknown" });
    logger.info({ reason, kind: address.kind }, "push denied");
    throw new PushDenied(reason, message);
  };

  return {
    challenge(body) {
      const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
      if (Object.keys(b).some((k) => !["kind", "target", "name"].includes(k)))
        throw new PushDenied("RequestMalformed", "Unexpected fields in the challenge request.");
      const a = parseSecretAddress(b);
      const { token, expiresAt } = store.tokens.issue(
        "push",
        secretRecordId(a.kind, a.target, a.name),
        ttl,
      );
      return { challengeId: token, nonce: token, expiresAt };
    },

    exists(address) {
      const a = parseSecretAddress(address);
      return store.secrets.exists(a.kind, a.target, a.name);
    },

    beneficiaryKey(target) {
      const a = parseSecretAddress({ kind: "beneficiary-key", target });
      return store.secrets.get("beneficiary-key", a.target)?.toString("base64");
    },

    async push(address, body) {
      let a: SecretAddress;
      try {
        a = parseSecretAddress(address);
      } catch (e) {
        return denied("RequestMalformed", (e as PushDenied).shortMessage, {});
      }
      const b = body as Record<string, unknown> | null;
      if (
        typeof b !== "object" ||
        b === null ||
        Object.keys(b).sort().join(",") !== "challengeId,signature,value" ||
        typeof b.challengeId !== "string" ||
        typeof b.signature !== "string" ||
        !/^0x[0-9a-fA-F]{130}$/.test(b.signature) ||
        typeof b.value !== "string"
      )
        return denied("RequestMalformed", "The body must be { challengeId, value, signature }.", a);
      const value = Buffer.from(b.value, "base64");
      const [min, max] = VALUE_BYTES[a.kind];
      if (value.toString("base64") !== b.value || value.length < min || value.length > max)
        return denied(
          "ValueInvalid",
          `A ${a.kind} is ${min === max ? min : `${min}-${max}`} bytes, base64.`,
          a,
        );

      const binding = secretRecordId(a.kind, a.target, a.name);
      const state = store.tokens.check("push", binding, b.challengeId);
      if (state === "invalid")
        return denied("ChallengeInvalid", "Unknown challenge, or for another secret.", a);
      if (state === "expired") return denied("ChallengeExpired", "The challenge has expired.", a);
      if (store.tokens.isUsed(b.challengeId))
        return denied("ChallengeReused", "The challenge was already used.", a);

      let signer = "";
      try {
        signer = verifyTypedData(
          smsDomain(chain.chainId),
          SECRET_PUSH_TYPES,
          {
            kind: a.kind,
            target: a.target,
            name: a.name,
            valueHash: sha256Hex(value),
            nonce: b.challengeId,
            expiresAt: BigInt(store.tokens.expiryOf(b.challengeId)),
          },
          b.signature,
        );
      } catch {
        return denied("SignatureInvalid", "The push signature does not verify.", a);
      }

      let owner: string | undefined;
      try {
        owner =
          a.kind === "dataset-key"
            ? await chain.ownerOf("dataset", a.target)
            : a.kind === "app-secret"
              ? await chain.ownerOf("app", a.target)
              : a.target;
      } catch (cause) {
        throw new SmsUnavailable("ChainUnavailable", "The chain cannot be read right now.", {
          cause,
        });
      }
      if (owner === undefined)
        return denied("AssetUnknown", `${a.target} is not registered.`, a, signer);
      if (!sameAddress(owner, signer))
        return denied("NotOwner", `Only ${owner} may push this ${a.kind}.`, a, signer);

      let version: number;
      try {
        version = await store.commit(() => {
          if (!store.tokens.markUsed("push", b.challengeId as string))
            throw new PushDenied("ChallengeReused", "The challenge was already used.");
          const v = store.secrets.put(a.kind, a.target, a.name, value, signer);
          audit({
            action: "push",
            outcome: "granted",
            reason: "Stored",
            subject: { record: binding, signer },
          });
          return v;
        });
      } catch (e) {
        if (e instanceof PushDenied) return denied(e.reason, e.shortMessage, a, signer);
        if (e instanceof SmsUnavailable) throw e;
        throw new SmsUnavailable("AuditUnavailable", "The secret could not be stored durably.", {
          cause: e,
        });
      }
      metrics.pushes.inc({ outcome: "granted", reason: "Stored", kind: a.kind });
      logger.info({ kind: a.kind, target: a.target, version }, "secret stored");
      return { version };
    },
  };
}
