import type { Signer } from "ethers";
import { sha256Hex } from "../../../src/core/crypto/bytes.js";
import { SECRET_PUSH_TYPES, smsDomain, type SecretKind } from "../../../src/core/sms.js";
import { http } from "./harness.js";

export interface PushParams {
  url: string;
  chainId: bigint;
  signer: Signer;
  kind: SecretKind;
  target: string;
  name?: string;
  value: Uint8Array;
}

/** Asks for a challenge and signs a push for it (the SDK/CLI flow), without sending it. */
export async function preparePush(p: PushParams) {
  const name = p.name ?? "";
  const ch = await http("POST", `${p.url}/v1/challenges`, {
    kind: p.kind,
    target: p.target,
    ...(name ? { name } : {}),
  });
  if (ch.status !== 200) throw new Error(`challenge refused: ${JSON.stringify(ch.body)}`);
  const signature = await p.signer.signTypedData(smsDomain(p.chainId), SECRET_PUSH_TYPES, {
    kind: p.kind,
    target: p.target,
    name,
    valueHash: sha256Hex(p.value),
    nonce: ch.body.nonce,
    expiresAt: BigInt(ch.body.expiresAt),
  });
  const path = `${p.url}/v1/secrets/${p.kind}/${p.target}${name ? `/${name}` : ""}`;
  return {
    path,
    body: {
      challengeId: ch.body.challengeId,
      value: Buffer.from(p.value).toString("base64"),
      signature,
    },
  };
}

/** Pushes a secret; returns the HTTP status and body. */
export async function pushSecret(p: PushParams) {
  const { path, body } = await preparePush(p);
  return http("PUT", path, body);
}
