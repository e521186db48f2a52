import type { Express } from "express";
import type { RequestListener } from "node:http";
import { isPlainJsonPost, parseStrictJson, readBodyText, sendJson } from "../core/plainJsonPost.js";
import { answerPublish, clientOf, countRequest, errorResponse } from "./http.js";
import type { MarketHttpDependencies } from "./http.js";

/**
 * The market's request listener: `POST /v1/orders` with a plain JSON body (the publish hot path)
 * is answered here, every other request by the express app. The fast path skips the router,
 * body-parser and res.json (together ~a sixth of a publish's CPU) but answers exactly as the
 * express route does: the same body checks (strict JSON object or array, size limit), the same
 * publishOrder, the same status and JSON bodies, errors included, and the same metrics. A request
 * it does not cover byte for byte (another content type or charset, a content encoding, chunked,
 * empty or too large) goes to express, which answers it as before.
 */
export function createMarketListener(deps: MarketHttpDependencies, app: Express): RequestListener {
  return (req, res) => {
    if (!isPlainJsonPost(req, "/v1/orders", deps.maxBodyBytes)) {
      app(req, res);
      return;
    }
    const started = process.hrtime.bigint();
    void readBodyText(req).then(async (text) => {
      if (text === undefined) return res.destroy(); // the client went away: nothing to answer
      const { status, body, headers } = await answer(deps, text, clientOf(req.socket));
      sendJson(res, status, body, headers);
      countRequest(deps.metrics, "POST", "/v1/orders", status, started);
    });
  };
}

async function answer(
  deps: MarketHttpDependencies,
  text: string,
  client: string,
): Promise<{ status: number; body: unknown; headers?: Record<string, string> }> {
  try {
    return await answerPublish(deps, parseStrictJson(text), client);
  } catch (err) {
    return errorResponse(err, deps.logger);
  }
}
