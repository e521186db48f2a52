import { ZeroAddress } from "ethers";
import { NO_TAG, randomSalt } from "../../../core/index.js";
import type { RequestOrder } from "../../../core/index.js";
import type { PolisClient } from "../../client.js";
import { SignerRequiredError } from "../../errors/index.js";
import { parseAddress } from "../../internal/values.js";
import { defaultExpiry } from "./defaults.js";

export interface BuildRequestOrderParameters {
  app: string;
  appMaxPrice?: bigint;
  /** Default: no dataset. */
  dataset?: string;
  datasetMaxPrice?: bigint;
  /** Only this pool may run it; default: any. */
  workerpool?: string;
  workerpoolMaxPrice?: bigint;
  /** Default: the signer. */
  requester?: string;
  volume?: bigint;
  tag?: string;
  category?: bigint;
  trust?: bigint;
  /** Who can decrypt the results; default: the requester. */
  beneficiary?: string;
  callback?: string;
  /** JSON string (see encodeRequestParams); default "{}". */
  params?: string;
  expiry?: bigint;
  salt?: string;
}

/**
 * An unsigned request order with defaults (volume 1, max prices 0, no dataset, any pool,
 * category 0, trust 1, the signer as requester and beneficiary, 30 days).
 * @example const order = await buildRequestOrder(client, { app, appMaxPrice: parseEther("1") });
 */
export async function buildRequestOrder(
  client: PolisClient,
  params: BuildRequestOrderParameters,
): Promise<RequestOrder> {
  const requester =
    params.requester ?? (client.signer ? await client.signer.getAddress() : undefined);
  if (!requester) throw new SignerRequiredError("A request order without --requester");
  return {
    app: parseAddress(params.app, "app"),
    appMaxPrice: params.appMaxPrice ?? 0n,
    dataset: params.dataset ? parseAddress(params.dataset, "dataset") : ZeroAddress,
    datasetMaxPrice: params.datasetMaxPrice ?? 0n,
    workerpool: params.workerpool ? parseAddress(params.workerpool, "workerpool") : ZeroAddress,
    workerpoolMaxPrice: params.workerpoolMaxPrice ?? 0n,
    requester: parseAddress(requester, "requester"),
    volume: params.volume ?? 1n,
    tag: params.tag ?? NO_TAG,
    category: params.category ?? 0n,
    trust: params.trust ?? 1n,
    beneficiary: parseAddress(params.beneficiary ?? requester, "beneficiary"),
    callback: params.callback ? parseAddress(params.callback, "callback") : ZeroAddress,
    params: params.params ?? "{}",
    expiry: params.expiry ?? (await defaultExpiry(client)),
    salt: params.salt ?? randomSalt(),
    signature: "0x",
  };
}
