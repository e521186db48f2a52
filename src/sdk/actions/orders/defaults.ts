import type { PolisClient } from "../../client.js";
import { read } from "../../internal/send.js";

/** Default order lifetime: 30 days. */
export const DEFAULT_ORDER_TTL_SECONDS = 30n * 24n * 3600n;

/** Timestamp of the latest block: the clock orders expire against. */
export async function chainTime(client: PolisClient): Promise<bigint> {
  const block = await read(() => client.provider.getBlock("latest"));
  return BigInt(block?.timestamp ?? Math.floor(Date.now() / 1000));
}

/** `ttlSeconds` after the chain's current time (default 30 days). */
export async function defaultExpiry(
  client: PolisClient,
  ttlSeconds: bigint = DEFAULT_ORDER_TTL_SECONDS,
): Promise<bigint> {
  return (await chainTime(client)) + ttlSeconds;
}
