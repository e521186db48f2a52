import type { PolisClient } from "../../client.js";
import { read } from "../../internal/send.js";
import { toWorkerpoolParams } from "./createWorkerpool.js";
import type { WorkerpoolParameters } from "./createWorkerpool.js";

export interface PredictWorkerpoolParameters extends WorkerpoolParameters {
  owner: string;
}

/**
 * The address a pool will get when `owner` registers these params.
 * @example const pool = await predictWorkerpool(client, { owner, description: "edge pool" });
 */
export async function predictWorkerpool(
  client: PolisClient,
  params: PredictWorkerpoolParameters,
): Promise<string> {
  const full = toWorkerpoolParams(params);
  return read(() => client.workerpoolRegistry.predictWorkerpool(params.owner, full));
}
