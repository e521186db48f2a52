import { UserError } from "../core/errors/index.js";
import type { BaseErrorOptions, HttpStatusError } from "../core/errors/index.js";

export {
  BodyTooLargeError,
  ChainUnavailableError,
  NotFoundError,
  RequestInvalidError,
  statusOf,
} from "../core/errors/index.js";
export type { HttpStatusError } from "../core/errors/index.js";

/** The orderHash sent with the order is not its EIP-712 digest (400). */
export class OrderHashMismatchError extends UserError implements HttpStatusError {
  override name = "OrderHashMismatch";
  readonly status = 400;
}

/** The signature is malformed, or not from the order's current owner (403). */
export class OrderSignatureInvalidError extends UserError implements HttpStatusError {
  override name = "OrderSignatureInvalid";
  readonly status = 403;
}

/** The order's asset is not registered (422). */
export class AssetUnknownError extends UserError implements HttpStatusError {
  override name = "AssetUnknown";
  readonly status = 422;
}

/** The order's expiry has passed (422). */
export class OrderExpiredError extends UserError implements HttpStatusError {
  override name = "OrderExpired";
  readonly status = 422;
}

/** The order has no volume left on chain: filled or cancelled (422). */
export class OrderConsumedError extends UserError implements HttpStatusError {
  override name = "OrderConsumed";
  readonly status = 422;
}

/** The requester's (or pool owner's) free escrow cannot cover the order's lock (422). */
export class BalanceInsufficientError extends UserError implements HttpStatusError {
  override name = "BalanceInsufficient";
  readonly status = 422;
}

/** The wallet already has the maximum number of open orders (429). */
export class OrderLimitReachedError extends UserError implements HttpStatusError {
  override name = "OrderLimitReached";
  readonly status = 429;
}

/**
 * This client's orders were refused too often of late (bad signatures, unknown assets, ...): it
 * may publish again after `retryAfterSeconds` (429, with a Retry-After header).
 */
export class PublishThrottledError extends UserError implements HttpStatusError {
  override name = "PublishThrottled";
  readonly status = 429;
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    super(`Too many of your orders were refused; publish again in ${retryAfterSeconds} s.`, {
      hint: "Fix what the refusals said (signature, asset, expiry, balance) before republishing.",
    });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The request order itself cannot be matched (its signature, expiry, volume or balance) (422). */
export class RequestUnmatchableError extends UserError implements HttpStatusError {
  override name = "RequestUnmatchable";
  readonly status = 422;
  readonly errorName: string;
  constructor(errorName: string, message: string, options?: BaseErrorOptions) {
    super(message, options);
    this.errorName = errorName;
  }
}
