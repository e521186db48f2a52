import type { PolisClient } from "../../client.js";
import { read } from "../../internal/send.js";
import { toAppParams } from "./createApp.js";
import type { AppParameters } from "./createApp.js";

export interface PredictAppParameters extends AppParameters {
  owner: string;
}

/**
 * The address an app will get (or got) when `owner` registers these params.
 * @example const app = await predictApp(client, { owner, name, uri, checksum });
 */
export async function predictApp(
  client: PolisClient,
  params: PredictAppParameters,
): Promise<string> {
  return read(() => client.appRegistry.predictApp(params.owner, toAppParams(params)));
}
