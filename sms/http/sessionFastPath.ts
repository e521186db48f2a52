import type { RequestListener } from "node:http";
import type { Express } from "express";
import type { Logger } from "pino";
import {
  isPlainJsonPost,
  parseStrictJson,
  readBodyText,
  sendJson,
} from "../../src/core/plainJsonPost.js";
import type { SmsMetrics } from "../metrics.js";
import type { ReleaseService } from "../release.js";
import { errorResponse } from "./errorHandler.js";
import { RATE_LIMITED_BODY, type RateLimiter } from "./rateLimit.js";

export interface SessionFastPathDeps {
  release: ReleaseService;
  limiter: RateLimiter;
  /** Audits a body that is not JSON as a denied release (as the express route does). */
  auditRejectedBody: (reason: string) => Promise<void>;
  metrics: SmsMetrics;
  logger: Logger;
  bodyLimit: number;
}

const ROUTE = "/v1/sessions";

/**
 * The SMS's request listener: `POST /v1/sessions` with a plain JSON body (the key release, its hot
 * path) is answered here, every other request by the express app. Same rate limit, body checks,
 * release, audit of unparseable bodies, answers and metrics as the express route; a request it
 * does not cover exactly (another content type, an encoding, chunked, too large) goes to express.
 * Only for an SMS that trusts no proxy: the client is the socket's address.
 */
export function createSmsListener(deps: SessionFastPathDeps, app: Express): RequestListener {
  return (req, res) => {
    if (!isPlainJsonPost(req, ROUTE, deps.bodyLimit)) {
      app(req, res);
      return;
    }
    const started = performance.now();
    const done = (status: number, body: unknown, headers?: Record<string, string>) => {
      sendJson(res, status, body, headers);
      deps.metrics.httpDuration.observe(
        { route: ROUTE, status: String(status) },
        (performance.now() - started) / 1000,
      );
    };
    const wait = deps.limiter.admit(req.socket.remoteAddress ?? "unknown");
    if (wait > 0) {
      req.resume(); // the body is not read
      done(429, RATE_LIMITED_BODY, { "Retry-After": String(Math.ceil(wait)) });
      return;
    }
    void readBodyText(req).then(async (text) => {
      if (text === undefined) return res.destroy(); // the client went away: nothing to answer
      let body: unknown;
      try {
        body = parseStrictJson(text);
      } catch (err) {
        await deps.auditRejectedBody("RequestMalformed");
        const e = errorResponse(err, deps.logger, ROUTE);
        return done(e.status, e.body);
      }
      try {
        done(200, await deps.release.release(body));
      } catch (err) {
        const e = errorResponse(err, deps.logger, ROUTE);
        done(e.status, e.body);
      }
    });
  };
}
