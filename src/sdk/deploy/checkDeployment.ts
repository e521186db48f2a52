import { UserError } from "../../core/errors/index.js";
import type { PolisClient } from "../client.js";
import { read } from "../internal/send.js";

/**
 * Checks that the deployment file describes this chain: the hub and the task manager have code.
 * Catches the common mix-up of a deployments/31337.json written by a throwaway in-process chain
 * and then used against anvil or `hardhat node` (same chain id, nothing deployed).
 * @throws UserError when a contract is missing.
 * @example await checkDeployment(client);
 */
export async function checkDeployment(client: PolisClient): Promise<void> {
  const { hub, taskManager } = client.deployment;
  const [hubCode, tmCode] = await read(() =>
    Promise.all([client.provider.getCode(hub), client.provider.getCode(taskManager)]),
  );
  if (hubCode === "0x" || tmCode === "0x") {
    throw new UserError(
      `The deployment file for chain ${client.chainId} names a hub at ${hub}, but there is no contract there on this chain.`,
      {
        hint: "Redeploy to this node (`npx hardhat run scripts/deploy.ts --network localhost`) or point --deployments to the right folder.",
      },
    );
  }
}
