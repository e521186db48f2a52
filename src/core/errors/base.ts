/** Options shared by every Polis error. */
export interface BaseErrorOptions {
  /** More detail for humans (printed with --verbose). */
  details?: string;
  /** What the user can do about it. */
  hint?: string;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * Root of every error Polis raises. `shortMessage` is one clear line for users; `name` is a
 * stable literal tests and callers switch on; `hint` says what to do.
 */
export class BaseError extends Error {
  override name = "BaseError";
  readonly shortMessage: string;
  readonly details?: string;
  readonly hint?: string;

  constructor(shortMessage: string, options: BaseErrorOptions = {}) {
    const parts = [shortMessage];
    if (options.hint) parts.push(options.hint);
    super(parts.join(" "), options.cause === undefined ? undefined : { cause: options.cause });
    this.shortMessage = shortMessage;
    this.details = options.details;
    this.hint = options.hint;
  }
}

/** Bad input from the user: a malformed value, a missing flag, a wrong password. Exit code 1. */
export class UserError extends BaseError {
  override name = "UserError";
}

/** A chain, network or service failure the user did not cause. Exit code 2. */
export class ServiceError extends BaseError {
  override name = "ServiceError";
}
