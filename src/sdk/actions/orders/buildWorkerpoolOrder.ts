import { ZeroAddress } from "ethers";
import { NO_TAG, randomSalt } from "../../../core/index.js";
import type { WorkerpoolOrder } from "../../../core/index.js";
import type { PolisClient } from "../../client.js";
import { parseAddress } from "../../internal/values.js";
import { defaultExpiry } from "./defaults.js";

export interface BuildWorkerpoolOrderParameters {
  workerpool: string;
  price?: bigint;
  volume?: bigint;
  tag?: string;
  /** Task category (default 0, "XS"). */
  category?: bigint;
  /** Replication level offered (default 1: one worker per task). */
  trust?: bigint;
  appRestrict?: string;
  datasetRestrict?: string;
  requesterRestrict?: string;
  expiry?: bigint;
  salt?: string;
}

/**
 * An unsigned workerpool order with defaults (volume 1, free, category 0, trust 1, 30 days).
 * @example const order = await buildWorkerpoolOrder(client, { workerpool, tag: TEE_TAG });
 */
export async function buildWorkerpoolOrder(
  client: PolisClient,
  params: BuildWorkerpoolOrderParameters,
): Promise<WorkerpoolOrder> {
  return {
    workerpool: parseAddress(params.workerpool, "workerpool"),
    price: params.price ?? 0n,
    volume: params.volume ?? 1n,
    tag: params.tag ?? NO_TAG,
    category: params.category ?? 0n,
    trust: params.trust ?? 1n,
    appRestrict: params.appRestrict ?? ZeroAddress,
    datasetRestrict: params.datasetRestrict ?? ZeroAddress,
    requesterRestrict: params.requesterRestrict ?? ZeroAddress,
    expiry: params.expiry ?? (await defaultExpiry(client)),
    salt: params.salt ?? randomSalt(),
    signature: "0x",
  };
}
