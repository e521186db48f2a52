import { sha256Hex } from "../../core/crypto/index.js";
import { SECRET_PUSH_TYPES, smsDomain } from "../../core/index.js";
import type { SecretKind, SecretPush } from "../../core/index.js";
import { ServiceError } from "../../core/errors/index.js";
import type { TypedDataSigner } from "../../core/index.js";
import { RequestRejectedError } from "../errors/index.js";
import { fetchJson } from "../http.js";

export interface CreateSmsClientParameters {
  /** Base URL, default http://127.0.0.1:13300. */
  url?: string;
  chainId: bigint;
  hint?: string;
  timeoutMs?: number;
}

export interface PushSecretParameters {
  /** The owner: dataset owner, app owner, requester or beneficiary. */
  signer: TypedDataSigner & { getAddress(): Promise<string> };
  kind: SecretKind;
  /** Dataset, app, requester or beneficiary address. */
  target: string;
  /** Secret name (requester secrets only). */
  name?: string;
  value: Uint8Array;
}

export interface PushSecretReturnType {
  kind: SecretKind;
  target: string;
  name: string;
  /** sha256 of the value (the value itself is never returned). */
  valueHash: string;
}

/** A client of the SMS push and existence endpoints (docs/PROTOCOLS.md §5). */
export interface SmsClient {
  url: string;
  /** Challenge -> EIP-712 SecretPush signature -> PUT. */
  pushSecret(params: PushSecretParameters): Promise<PushSecretReturnType>;
  /** Whether a secret is stored (GET /v1/secrets/<kind>/<target>[/<name>]). */
  hasSecret(kind: SecretKind, target: string, name?: string): Promise<boolean>;
  /**
   * The attestation root the SMS pins and its installed revocation lists (GET /v1/attestation),
   * for auditors checking a task's quote. Trust it as far as you trust this SMS, or compare the
   * root with the authority's published certificate.
   */
  attestationRoot(): Promise<AttestationRoot>;
}

/** The SMS's pinned attestation root and revocation lists. */
export interface AttestationRoot {
  rootCertPem: string;
  crls: unknown[];
}

export const DEFAULT_SMS_URL = "http://127.0.0.1:13300";

/**
 * Creates an SMS client. Unreachable SMS -> ServiceError with a hint; refusals (not the owner, a
 * replayed or expired challenge) -> RequestRejectedError.
 * @example
 * const sms = createSmsClient({ url, chainId });
 * await sms.pushSecret({ signer, kind: "dataset-key", target: dataset, value: key });
 */
export function createSmsClient(params: CreateSmsClientParameters): SmsClient {
  const url = (params.url ?? DEFAULT_SMS_URL).replace(/\/+$/, "");
  const options = {
    service: "SMS",
    hint: params.hint ?? `Start the SMS (it listens on ${url}) or point --sms to a running one.`,
    timeoutMs: params.timeoutMs,
  };
  const secretPath = (kind: string, target: string, name?: string) =>
    `${url}/v1/secrets/${kind}/${target}${name ? `/${encodeURIComponent(name)}` : ""}`;
  return {
    url,
    async pushSecret(p) {
      const name = p.name ?? "";
      const challenge = (await fetchJson(`${url}/v1/challenges`, {
        ...options,
        method: "POST",
        body: { kind: p.kind, target: p.target, ...(name ? { name } : {}) },
      })) as { challengeId?: unknown; nonce?: unknown; expiresAt?: unknown };
      if (typeof challenge?.challengeId !== "string" || typeof challenge.nonce !== "string") {
        throw new ServiceError("The SMS sent a malformed challenge.");
      }
      const message: SecretPush = {
        kind: p.kind,
        target: p.target,
        name,
        valueHash: sha256Hex(p.value),
        nonce: challenge.nonce,
        expiresAt: BigInt(String(challenge.expiresAt ?? 0)),
      };
      const signature = await p.signer.signTypedData(smsDomain(params.chainId), SECRET_PUSH_TYPES, {
        ...message,
      });
      await fetchJson(secretPath(p.kind, p.target, name || undefined), {
        ...options,
        method: "PUT",
        body: {
          challengeId: challenge.challengeId,
          value: Buffer.from(p.value).toString("base64"),
          signature,
        },
      });
      return { kind: p.kind, target: p.target, name, valueHash: message.valueHash };
    },
    async attestationRoot() {
      const body = (await fetchJson(`${url}/v1/attestation`, options)) as Partial<AttestationRoot>;
      if (typeof body?.rootCertPem !== "string" || !Array.isArray(body.crls))
        throw new ServiceError("The SMS sent a malformed attestation root.");
      return { rootCertPem: body.rootCertPem, crls: body.crls };
    },
    async hasSecret(kind, target, name) {
      try {
        await fetchJson(secretPath(kind, target, name), options);
        return true;
      } catch (error) {
        if (error instanceof RequestRejectedError && error.status === 404) return false;
        throw error;
      }
    },
  };
}
