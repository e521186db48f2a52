import { Router, json, type NextFunction, type Request, type Response } from "express";
import type { ReleaseService } from "../release.js";
import type { RequestHandler } from "express";

/**
 * POST /v1/nonces (a single-use session nonce) and POST /v1/sessions (key release).
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
  router.post("/v1/nonces", p.limits.nonces, (_req, res) => {
    res.json(p.issueNonce());
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
