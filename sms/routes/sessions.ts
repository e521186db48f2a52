import { Router, json, type NextFunction, type Request, type Response } from "express";
import { SmsError } from "../errors.js";
import type { ReleaseService } from "../release.js";
import type { RequestHandler } from "express";

/** Most nonces one request may ask for (`?count=`). */
export const MAX_NONCES_PER_REQUEST = 16;

/**
 * POST /v1/nonces (a single-use session nonce, or `?count=n` of them: an enclave host keeps a few
 * for its next tasks, one request instead of one per task) and POST /v1/sessions (key release).
 * Bodies that do not even parse are audited as denials too.
 */
export function sessionRoutes(p: {
  release: ReleaseService;
  issueNonce: () => { nonce: string; expiresAt: number };
  auditRejectedBody: (reason: string) => Promise<void>;
  limits: { nonces: RequestHandler; sessions: RequestHandler };
  bodyLimit: number;
}): Router {
  const router = Router();
  router.post("/v1/nonces", p.limits.nonces, (req, res) => {
    const raw = req.query.count;
    if (raw === undefined) return void res.json(p.issueNonce());
    const count = typeof raw === "string" && /^[0-9]{1,2}$/.test(raw) ? Number(raw) : 0;
    if (count < 1 || count > MAX_NONCES_PER_REQUEST)
      throw new SmsError(
        400,
        "RequestMalformed",
        `count must be a whole number from 1 to ${MAX_NONCES_PER_REQUEST}: how many nonces to issue.`,
      );
    res.json({ nonces: Array.from({ length: count }, () => p.issueNonce()) });
  });
  router.post(
    "/v1/sessions",
    p.limits.sessions,
    json({ limit: p.bodyLimit }),
    async (req: Request, res: Response) => {
      res.json(await p.release.release(req.body));
    },
    async (err: { type?: string }, _req: Request, _res: Response, next: NextFunction) => {
      if (err?.type === "entity.too.large") await p.auditRejectedBody("BodyTooLarge");
      else if (err?.type === "entity.parse.failed") await p.auditRejectedBody("RequestMalformed");
      next(err);
    },
  );
  return router;
}
