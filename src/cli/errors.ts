import { BaseError, ContractError, ServiceError } from "../core/errors/index.js";
import { toPolisError } from "../sdk/errors/index.js";
import { toJson } from "./json.js";
import type { Output } from "./output.js";

/** Exit codes: 0 success, 1 user error, 2 chain/network/service failure. */
export const EXIT = { ok: 0, user: 1, service: 2 } as const;

/** Maps an error to its exit code by class: ServiceError (and subclasses) -> 2, other Polis
 * errors -> 1, anything unexpected -> 2. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof ServiceError) return EXIT.service;
  if (error instanceof BaseError) return EXIT.user;
  return EXIT.service;
}

/** The machine-readable form of an error (printed on stdout with --json). */
export function errorJson(error: Error): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: error.name,
    message: error instanceof BaseError ? error.shortMessage : error.message,
  };
  if (error instanceof BaseError && error.hint) out.hint = error.hint;
  if (error instanceof ContractError) {
    out.errorName = error.errorName;
    out.args = error.args;
  }
  for (const [key, value] of Object.entries(error)) {
    if (["shortMessage", "details", "hint", "cause", "errorName", "args", "name"].includes(key))
      continue;
    if (typeof value !== "function") out[key] = value;
  }
  return out;
}

/**
 * Prints an error: one line (plus a hint) on stderr; with --verbose the details, the cause
 * chain and the stack; with --json also `{ "error": {...} }` on stdout. Returns the exit code.
 */
export function reportError(thrown: unknown, out: Output): number {
  const error = toPolisError(thrown);
  const code = exitCodeOf(error);
  const known = error instanceof BaseError;
  const message = known ? error.shortMessage : `Unexpected error: ${error.message}`;
  out.stderr(`error: ${message}\n`);
  if (known && error.hint) out.stderr(`hint: ${error.hint}\n`);
  if (!known && !out.verbose) out.stderr("hint: run again with --verbose for details.\n");
  if (out.verbose) {
    if (known && error.details) out.stderr(`details: ${error.details}\n`);
    let cause: unknown = error;
    while (cause instanceof Error) {
      out.stderr(`${cause.stack ?? cause.message}\n`);
      cause = cause.cause;
      if (cause) out.stderr("caused by: ");
    }
  }
  if (out.json) out.stdout(toJson({ error: errorJson(error) }) + "\n");
  return code;
}
