import { ZeroAddress } from "ethers";
import type { PolisClient } from "../../client.js";
import { parseAddress } from "../../internal/values.js";
import { read } from "../../internal/send.js";

export interface GetGrantParameters {
  dataset: string;
  app: string;
  /** Default: the "any requester" grant. */
  requester?: string;
}

export interface GetGrantReturnType {
  grantKey: string;
  /** Whether the dataset requires grants at all. */
  required: boolean;
  exists: boolean;
  uses: bigint;
  used: bigint;
  expiry: bigint;
  revoked: boolean;
  /** Set, not revoked, not expired (uses are checked at match). */
  live: boolean;
}

/**
 * Reads a dataset grant for (app, requester) and whether the dataset requires grants.
 * @example const { live, uses, used } = await getGrant(client, { dataset, app });
 */
export async function getGrant(
  client: PolisClient,
  params: GetGrantParameters,
): Promise<GetGrantReturnType> {
  const dataset = parseAddress(params.dataset, "dataset");
  const app = parseAddress(params.app, "app");
  const requester = params.requester ? parseAddress(params.requester, "requester") : ZeroAddress;
  const key = await read(() => client.hub.grantKey(dataset, app, requester));
  const [grant, live, required] = await read(() =>
    Promise.all([
      client.hub.grantOf(key),
      client.hub.isGrantLive(key),
      client.hub.grantsRequired(dataset),
    ]),
  );
  return {
    grantKey: key,
    required,
    exists: grant.uses !== 0n,
    uses: grant.uses,
    used: grant.used,
    expiry: grant.expiry,
    revoked: grant.revoked,
    live,
  };
}
