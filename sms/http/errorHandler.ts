import type { NextFunction, Request, Response } from "express";
import type { Logger } from "pino";
import { SmsError } from "../errors.js";

/**
 * Maps errors to `{ error: { name, reason, message } }`: SmsError by its status, body-parser
 * failures to 400/413, anything else to 500 without details (the log has them, never values).
 */
export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    if (err instanceof SmsError) {
      res
        .status(err.status)
        .json({ error: { name: err.name, reason: err.reason, message: err.shortMessage } });
      return;
    }
    const e = err as { type?: string; status?: number };
    if (e?.type === "entity.too.large") {
      res.status(413).json({
        error: {
          name: "RequestInvalid",
          reason: "BodyTooLarge",
          message: "The body is too large.",
        },
      });
      return;
    }
    if (
      e?.type === "entity.parse.failed" ||
      e?.type === "encoding.unsupported" ||
      e?.status === 400
    ) {
      res.status(400).json({
        error: {
          name: "RequestInvalid",
          reason: "RequestMalformed",
          message: "The body is not valid JSON.",
        },
      });
      return;
    }
    if (e?.status === 415 || e?.type === "charset.unsupported") {
      res.status(415).json({
        error: {
          name: "RequestInvalid",
          reason: "UnsupportedMediaType",
          message: "Send application/json.",
        },
      });
      return;
    }
    logger.error({ err, path: req.path }, "unhandled error");
    res
      .status(500)
      .json({ error: { name: "InternalError", reason: "Internal", message: "Internal error." } });
  };
}
