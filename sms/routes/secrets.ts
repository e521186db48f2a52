import { Router, json, type Request, type Response } from "express";
import type { RequestHandler } from "express";
import type { PushService } from "../push.js";

/**
 * POST /v1/challenges, PUT /v1/secrets/:kind/:target[/:name] (push) and
 * GET /v1/secrets/:kind/:target[/:name] (existence: `{ exists }`, never a secret value; for
 * `beneficiary-key`, a public key, also `{ publicKey }` so standard workers can encrypt results).
 */
export function secretRoutes(p: {
  push: PushService;
  limits: { challenges: RequestHandler; secrets: RequestHandler; exists: RequestHandler };
  bodyLimit: number;
}): Router {
  const router = Router();
  const body = json({ limit: p.bodyLimit });
  router.post("/v1/challenges", p.limits.challenges, body, (req: Request, res: Response) => {
    res.json(p.push.challenge(req.body));
  });
  const put = async (req: Request, res: Response) => {
    const { kind, target, name } = req.params as Record<string, string | undefined>;
    res.json(await p.push.push({ kind: kind!, target: target!, name }, req.body));
  };
  const get = (req: Request, res: Response) => {
    const { kind, target, name } = req.params as Record<string, string | undefined>;
    const exists = p.push.exists({ kind: kind!, target: target!, name });
    const publicKey =
      exists && kind === "beneficiary-key" ? p.push.beneficiaryKey(target!) : undefined;
    res.status(exists ? 200 : 404).json(publicKey ? { exists, publicKey } : { exists });
  };
  router.put("/v1/secrets/:kind/:target{/:name}", p.limits.secrets, body, put);
  router.get("/v1/secrets/:kind/:target{/:name}", p.limits.exists, get);
  return router;
}
