import { ServiceError, UserError } from "./base.js";

/** An error a service turns into an HTTP response with this status. */
export interface HttpStatusError {
  readonly status: number;
}

/** Bad input: a malformed body, value or query (400). */
export class RequestInvalidError extends UserError implements HttpStatusError {
  override name = "RequestInvalid";
  readonly status: number = 400;
}

/** The request body exceeds the service's size limit (413). */
export class BodyTooLargeError extends UserError implements HttpStatusError {
  override name = "BodyTooLarge";
  readonly status: number = 413;
}

/** The resource does not exist (404). */
export class NotFoundError extends UserError implements HttpStatusError {
  override name = "NotFound";
  readonly status: number = 404;
}

/** The chain could not be read (503). */
export class ChainUnavailableError extends ServiceError implements HttpStatusError {
  override name = "ChainUnavailable";
  readonly status: number = 503;
}

/** HTTP status carried by an error (500 when it carries none). */
export function statusOf(err: unknown): number {
  const s = (err as Partial<HttpStatusError>)?.status;
  return typeof s === "number" && s >= 400 && s < 600 ? s : 500;
}
