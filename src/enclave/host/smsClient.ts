import type { SessionNonce, SessionRequest, SessionResponse } from "../../core/sms.js";
import { EnclaveError } from "../errors.js";

const TIMEOUT_MS = 15_000;

/** The enclave's side of docs/PROTOCOLS.md §3: nonce, then session. */
export interface SmsSessionClient {
  nonce(): Promise<SessionNonce>;
  session(request: SessionRequest): Promise<SessionResponse>;
}

/** A fetch-based client for the SMS at `baseUrl`. */
export function createSmsSessionClient(baseUrl: string): SmsSessionClient {
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
  return {
    nonce: async () => {
      const r = (await post("/v1/nonces", {})) as SessionNonce;
      if (typeof r?.nonce !== "string" || !/^0x[0-9a-f]{64}$/.test(r.nonce))
        throw new EnclaveError("SessionResponseInvalid", "The SMS returned a malformed nonce.");
      return r;
    },
    session: async (request) => (await post("/v1/sessions", request)) as SessionResponse,
  };
}
