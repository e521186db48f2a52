import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { DatabaseSync } from "node:sqlite";

/** Session nonces (enclave quotes) and push challenges. */
export type TokenPurpose = "session" | "push";

export interface IssuedToken {
  /** 32 bytes, 0x-hex. */
  token: string;
  /** Unix seconds. */
  expiresAt: number;
}

export type TokenCheck = "ok" | "invalid" | "expired";

/**
 * Single-use tokens. Issuing writes nothing: a token is random(16) || expiresAt(u32) ||
 * HMAC-SHA256(key, purpose, binding, random, expiresAt)[0..12], so only this SMS can mint one and
 * its expiry cannot be altered. Use is recorded durably in `used_tokens` (primary key: a second
 * use is detected atomically), pruned after expiry.
 */
export interface TokenStore {
  issue(purpose: TokenPurpose, binding: string, ttlSeconds: number): IssuedToken;
  /** Authenticity and expiry (no database access). */
  check(purpose: TokenPurpose, binding: string, token: string): TokenCheck;
  isUsed(token: string): boolean;
  /** The expiry (unix seconds) carried by an authentic token. */
  expiryOf(token: string): number;
  /** Marks used; false when it already was. Call inside the caller's transaction. */
  markUsed(purpose: TokenPurpose, token: string): boolean;
  /** Deletes records of tokens expired for more than a minute. */
  prune(): number;
}

export function createTokenStore(db: DatabaseSync, key: Buffer, clock: () => number): TokenStore {
  const insert = db.prepare(
    "INSERT INTO used_tokens (token, purpose, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
  );
  const used = db.prepare("SELECT 1 AS one FROM used_tokens WHERE token = ?");
  const prune = db.prepare("DELETE FROM used_tokens WHERE expires_at < ?");
  const mac = (purpose: TokenPurpose, binding: string, body: Buffer) =>
    createHmac("sha256", key)
      .update(purpose)
      .update("\0")
      .update(binding)
      .update("\0")
      .update(body)
      .digest()
      .subarray(0, 12);
  const decode = (token: string): Buffer | undefined =>
    typeof token === "string" && /^0x[0-9a-f]{64}$/.test(token)
      ? Buffer.from(token.slice(2), "hex")
      : undefined;
  const nowSeconds = () => Math.floor(clock() / 1000);

  return {
    issue(purpose, binding, ttlSeconds) {
      const body = Buffer.alloc(20);
      randomBytes(16).copy(body, 0);
      const expiresAt = nowSeconds() + ttlSeconds;
      body.writeUInt32BE(expiresAt, 16);
      const token = Buffer.concat([body, mac(purpose, binding, body)]);
      return { token: "0x" + token.toString("hex"), expiresAt };
    },
    check(purpose, binding, token) {
      const bytes = decode(token);
      if (!bytes) return "invalid";
      const body = bytes.subarray(0, 20);
      if (!timingSafeEqual(bytes.subarray(20), mac(purpose, binding, body))) return "invalid";
      return body.readUInt32BE(16) <= nowSeconds() ? "expired" : "ok";
    },
    expiryOf(token) {
      const bytes = decode(token);
      return bytes ? bytes.readUInt32BE(16) : 0;
    },
    isUsed(token) {
      const bytes = decode(token);
      return bytes !== undefined && used.get(bytes) !== undefined;
    },
    markUsed(purpose, token) {
      const bytes = decode(token);
      if (!bytes) return false;
      return Number(insert.run(bytes, purpose, bytes.readUInt32BE(16)).changes) === 1;
    },
    prune() {
      return Number(prune.run(nowSeconds() - 60).changes);
    },
  };
}
