import { ZeroAddress } from "ethers";
import { NO_TAG, randomSalt } from "../../../core/index.js";
import type { AppOrder } from "../../../core/index.js";
import type { PolisClient } from "../../client.js";
import { parseAddress } from "../../internal/values.js";
import { defaultExpiry } from "./defaults.js";

export interface BuildAppOrderParameters {
  app: string;
  /** Price per task in base units (default 0). */
  price?: bigint;
  /** Number of tasks the order covers (default 1). */
  volume?: bigint;
  /** bytes32 tag (default none; use TEE_TAG for enclave apps). */
  tag?: string;
  datasetRestrict?: string;
  workerpoolRestrict?: string;
  requesterRestrict?: string;
  /** Absolute expiry (unix seconds); default 30 days after the chain's time. */
  expiry?: bigint;
  salt?: string;
}

/**
 * An unsigned app order with sensible defaults (volume 1, free, no restrictions, 30 days).
 * @example const order = await buildAppOrder(client, { app, price: parseEther("1"), tag: TEE_TAG });
 */
export async function buildAppOrder(
  client: PolisClient,
  params: BuildAppOrderParameters,
): Promise<AppOrder> {
  return {
    app: parseAddress(params.app, "app"),
    price: params.price ?? 0n,
    volume: params.volume ?? 1n,
    tag: params.tag ?? NO_TAG,
    datasetRestrict: params.datasetRestrict ?? ZeroAddress,
    workerpoolRestrict: params.workerpoolRestrict ?? ZeroAddress,
    requesterRestrict: params.requesterRestrict ?? ZeroAddress,
    expiry: params.expiry ?? (await defaultExpiry(client)),
    salt: params.salt ?? randomSalt(),
    signature: "0x",
  };
}
