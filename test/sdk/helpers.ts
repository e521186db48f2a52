import type { Signer } from "ethers";
import { createClient } from "../../src/sdk/client.js";
import type { PolisClient } from "../../src/sdk/client.js";
import type { Deployment } from "../../src/sdk/deploy/deployment.js";
import { ethers } from "../helpers/fixture.js";
import type { PolisFixture } from "../helpers/fixture.js";

/** An SDK client over the in-process chain, bound to the fixture's contracts. */
export async function clientFor(f: PolisFixture, signer?: Signer): Promise<PolisClient> {
  const deployment: Deployment = {
    chainId: f.chainId.toString(),
    hub: await f.hub.getAddress(),
    taskManager: await f.taskManager.getAddress(),
    token: await f.token.getAddress(),
    appRegistry: await f.appRegistry.getAddress(),
    datasetRegistry: await f.datasetRegistry.getAddress(),
    workerpoolRegistry: await f.workerpoolRegistry.getAddress(),
    startBlock: 0,
    deployedAt: new Date(0).toISOString(),
  };
  return createClient({ provider: ethers.provider, deployment, signer });
}
