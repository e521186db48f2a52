import type { SessionNonce, SessionRequest, SessionResponse } from "../../core/sms.js";
import { EnclaveError } from "../errors.js";

const TIMEOUT_MS = 15_000;

/** The enclave's side of docs/PROTOCOLS.md §3: nonce, then session. */
export interface SmsSessionClient {
  nonce(): Promise<SessionNonce>;
  session(request: SessionRequest): Promise<SessionResponse>;
}

export interface SmsSessionClientOptions {
  /**
   * Nonces fetched per request and kept for the next tasks (default 1: none kept). Each is used
   * once and only in the first half of its lifetime.
   */
  prefetch?: number;
  now?: () => number;
}

const HEX32 = /^0x[0-9a-f]{64}$/;

/** A fetch-based client for the SMS at `baseUrl`. */
export function createSmsSessionClient(
  baseUrl: string,
  options: SmsSessionClientOptions = {},
): SmsSessionClient {
  const prefetch = Math.max(1, Math.min(16, options.prefetch ?? 1));
  const now = options.now ?? Date.now;
  const base = baseUrl.replace(/\/+$/, "");
  const post = async (path: string, body: unknown): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetch(base + path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (cause) {
      throw new EnclaveError("SessionRefused", `The SMS at ${base} is unreachable.`, { cause });
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const err = (json as { error?: { reason?: string; message?: string } } | undefined)?.error;
      throw new EnclaveError(
        "SessionRefused",
        `The SMS refused the session (${response.status} ${err?.reason ?? "unknown"}).`,
        { details: err?.reason ?? String(response.status) },
      );
    }
    if (json === undefined)
      throw new EnclaveError("SessionResponseInvalid", "The SMS answered with invalid JSON.");
    return json;
  };
  /** Unused nonces, each with the time (ms) after which it is no longer handed out. */
  const kept: Array<{ nonce: SessionNonce; usableUntil: number }> = [];
  let fetching: Promise<void> | undefined;
  const valid = (r: SessionNonce) =>
    typeof r?.nonce === "string" && HEX32.test(r.nonce) && Number.isSafeInteger(r.expiresAt);
  const refill = async () => {
    const fetchedAt = now();
    const r = (await post(
      prefetch > 1 ? `/v1/nonces?count=${prefetch}` : "/v1/nonces",
      {},
    )) as SessionNonce & { nonces?: SessionNonce[] };
    // An SMS that predates `count` answers one nonce; more than asked for are not kept.
    const nonces = Array.isArray(r?.nonces) ? r.nonces.slice(0, prefetch) : [r];
    if (nonces.length === 0 || !nonces.every(valid))
      throw new EnclaveError("SessionResponseInvalid", "The SMS returned a malformed nonce.");
    for (const nonce of nonces)
      kept.push({ nonce, usableUntil: fetchedAt + (nonce.expiresAt * 1000 - fetchedAt) / 2 });
  };
  return {
    nonce: async () => {
      for (let fresh = false; ; fresh = true) {
        // Nonces just fetched are used whatever the clocks say: the SMS judges their expiry.
        while (!fresh && kept.length > 0 && kept[0].usableUntil <= now()) kept.shift();
        const next = kept.shift();
        if (next) return next.nonce;
        fetching ??= refill().finally(() => (fetching = undefined));
        await fetching;
      }
    },
    session: async (request) => (await post("/v1/sessions", request)) as SessionResponse,
  };
}
