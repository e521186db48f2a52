import { isHexString } from "ethers";
import { BaseError, ServiceError, UserError } from "../../core/errors/index.js";
import { decodeRevertData } from "./decode.js";
import type { ErrorContext } from "./messages.js";

export interface NormalizeContext extends ErrorContext {
  /** The JSON-RPC URL, named in network failures. */
  rpcUrl?: string;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "EAI_AGAIN",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
  "NETWORK_ERROR",
  "TIMEOUT",
  "SERVER_ERROR",
]);

/**
 * Turns anything thrown by ethers or the network into a Polis error: a ContractError when revert
 * data decodes to a known custom error, a ServiceError for network and node failures, a
 * UserError for rejected arguments and missing gas funds. Polis errors pass through unchanged.
 */
export function toPolisError(error: unknown, context: NormalizeContext = {}): Error {
  if (error instanceof BaseError) return error;
  const data = findRevertData(error);
  if (data) {
    const decoded = decodeRevertData(data, context);
    if (decoded) {
      Object.defineProperty(decoded, "cause", { value: error, enumerable: false });
      return decoded;
    }
  }
  const code = findCode(error);
  if (code === "INSUFFICIENT_FUNDS") {
    return new UserError("Your wallet has not enough native currency (ETH) to pay for gas.", {
      cause: error,
      hint: "On a dev chain `polis faucet` tops it up; otherwise send it some ETH.",
    });
  }
  if (code === "CALL_EXCEPTION") {
    return new UserError("The contract rejected the call without a known reason.", {
      cause: error,
      details: shortText(error),
    });
  }
  if (code && NETWORK_CODES.has(code)) {
    return new ServiceError(
      `The chain${context.rpcUrl ? ` at ${context.rpcUrl}` : ""} did not answer (${code}).`,
      {
        cause: error,
        details: shortText(error),
        hint: "Check that the node is running and --rpc points to it.",
      },
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Looks for ABI-encoded revert data anywhere in an ethers/JSON-RPC error. */
export function findRevertData(error: unknown, depth = 0): string | undefined {
  if (depth > 6 || error === null || typeof error !== "object") return undefined;
  const e = error as Record<string, unknown>;
  if (typeof e.data === "string" && isHexString(e.data) && e.data.length >= 10) return e.data;
  for (const key of ["data", "error", "info", "cause", "revert"]) {
    const found = findRevertData(e[key], depth + 1);
    if (found) return found;
  }
  return undefined;
}

function findCode(error: unknown, depth = 0): string | undefined {
  if (depth > 6 || error === null || typeof error !== "object") return undefined;
  const e = error as Record<string, unknown>;
  if (typeof e.code === "string") {
    if (NETWORK_CODES.has(e.code) || e.code === "INSUFFICIENT_FUNDS") return e.code;
  }
  const nested = findCode(e.cause, depth + 1) ?? findCode(e.error, depth + 1);
  if (nested) return nested;
  return typeof e.code === "string" ? e.code : undefined;
}

function shortText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 500 ? text.slice(0, 500) + "…" : text;
}
