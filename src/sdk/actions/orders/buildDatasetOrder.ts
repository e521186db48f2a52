import { ZeroAddress } from "ethers";
import { NO_TAG, randomSalt } from "../../../core/index.js";
import type { DatasetOrder } from "../../../core/index.js";
import type { PolisClient } from "../../client.js";
import { parseAddress } from "../../internal/values.js";
import { defaultExpiry } from "./defaults.js";

export interface BuildDatasetOrderParameters {
  dataset: string;
  price?: bigint;
  volume?: bigint;
  tag?: string;
  appRestrict?: string;
  workerpoolRestrict?: string;
  requesterRestrict?: string;
  expiry?: bigint;
  salt?: string;
}

/**
 * An unsigned dataset order with defaults (volume 1, free, no restrictions, 30 days).
 * @example const order = await buildDatasetOrder(client, { dataset, appRestrict: app });
 */
export async function buildDatasetOrder(
  client: PolisClient,
  params: BuildDatasetOrderParameters,
): Promise<DatasetOrder> {
  return {
    dataset: parseAddress(params.dataset, "dataset"),
    price: params.price ?? 0n,
    volume: params.volume ?? 1n,
    tag: params.tag ?? NO_TAG,
    appRestrict: params.appRestrict ?? ZeroAddress,
    workerpoolRestrict: params.workerpoolRestrict ?? ZeroAddress,
    requesterRestrict: params.requesterRestrict ?? ZeroAddress,
    expiry: params.expiry ?? (await defaultExpiry(client)),
    salt: params.salt ?? randomSalt(),
    signature: "0x",
  };
}
