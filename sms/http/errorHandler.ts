import type { NextFunction, Request, Response } from "express";
import type { Logger } from "pino";
import { SmsError } from "../errors.js";

export interface ErrorResponse {
  status: number;
  body: { error: { name: string; reason: string; message: string } };
}

/**
 * Maps an error to `{ error: { name, reason, message } }`: SmsError by its status, body-parser
 * failures to 400/413/415, anything else to 500 without details (the log has them, never values).
 */
export function errorResponse(err: unknown, logger: Logger, path: string): ErrorResponse {
  const answer = (status: number, name: string, reason: string, message: string) => ({
    status,
    body: { error: { name, reason, message } },
  });
  if (err instanceof SmsError) return answer(err.status, err.name, err.reason, err.shortMessage);
  const e = err as { type?: string; status?: number };
  if (e?.type === "entity.too.large")
    return answer(413, "RequestInvalid", "BodyTooLarge", "The body is too large.");
  if (e?.type === "entity.parse.failed" || e?.type === "encoding.unsupported" || e?.status === 400)
    return answer(400, "RequestInvalid", "RequestMalformed", "The body is not valid JSON.");
  if (e?.status === 415 || e?.type === "charset.unsupported")
    return answer(415, "RequestInvalid", "UnsupportedMediaType", "Send application/json.");
  logger.error({ err, path }, "unhandled error");
  return answer(500, "InternalError", "Internal", "Internal error.");
}

/** The express error handler: {@link errorResponse}. */
export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    const { status, body } = errorResponse(err, logger, req.path);
    res.status(status).json(body);
  };
}
