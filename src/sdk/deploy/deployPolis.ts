import type { Signer } from "ethers";
import {
  AppRegistry__factory,
  DatasetRegistry__factory,
  Polis__factory,
  PolisToken__factory,
  TaskManager__factory,
  WorkerpoolRegistry__factory,
} from "../../../types/index.js";
import type {
  AppRegistry,
  DatasetRegistry,
  Polis,
  PolisToken,
  TaskManager,
  WorkerpoolRegistry,
} from "../../../types/index.js";
import { DEFAULT_CATEGORIES, type CategorySpec } from "./categories.js";
import type { Deployment } from "./deployment.js";

export interface DeployPolisParameters {
  /** Owner of the hub (creates categories, registers attestation verifiers). Default: deployer. */
  governance?: string;
  /** Tokens minted to the deployer at creation. */
  initialSupply?: bigint;
  /** Per-call faucet limit; 0 disables the faucet (production). */
  faucetLimit?: bigint;
  /** Use an existing ERC-20 instead of deploying PolisToken. */
  token?: string;
  categories?: readonly CategorySpec[];
  /** SMS signing keys trusted to attest enclaves. */
  attestationVerifiers?: readonly string[];
}

export interface PolisContracts {
  hub: Polis;
  taskManager: TaskManager;
  token: PolisToken;
  appRegistry: AppRegistry;
  datasetRegistry: DatasetRegistry;
  workerpoolRegistry: WorkerpoolRegistry;
}

export interface DeployPolisReturnType {
  deployment: Deployment;
  contracts: PolisContracts;
  gasUsed: bigint;
}

/**
 * Deploys the token, the three registries and the hub (which creates its task manager), then
 * creates categories and registers attestation verifiers when the deployer governs.
 * @example const { deployment } = await deployPolis(signer, { faucetLimit: 10n ** 24n });
 */
export async function deployPolis(
  signer: Signer,
  params: DeployPolisParameters = {},
): Promise<DeployPolisReturnType> {
  const deployer = await signer.getAddress();
  const governance = params.governance ?? deployer;
  let gasUsed = 0n;
  const track = async (tx: { wait(): Promise<{ gasUsed: bigint } | null> }) => {
    const receipt = await tx.wait();
    gasUsed += receipt?.gasUsed ?? 0n;
    return receipt;
  };

  let token: PolisToken;
  if (params.token) {
    token = PolisToken__factory.connect(params.token, signer);
  } else {
    token = await new PolisToken__factory(signer).deploy(
      deployer,
      params.initialSupply ?? 0n,
      params.faucetLimit ?? 0n,
    );
    await track(token.deploymentTransaction()!);
  }
  const appRegistry = await new AppRegistry__factory(signer).deploy();
  await track(appRegistry.deploymentTransaction()!);
  const datasetRegistry = await new DatasetRegistry__factory(signer).deploy();
  await track(datasetRegistry.deploymentTransaction()!);
  const workerpoolRegistry = await new WorkerpoolRegistry__factory(signer).deploy();
  await track(workerpoolRegistry.deploymentTransaction()!);
  const hub = await new Polis__factory(signer).deploy(
    deployer,
    await token.getAddress(),
    await appRegistry.getAddress(),
    await datasetRegistry.getAddress(),
    await workerpoolRegistry.getAddress(),
  );
  const hubReceipt = await track(hub.deploymentTransaction()!);
  const taskManager = TaskManager__factory.connect(await hub.taskManager(), signer);

  for (const c of params.categories ?? DEFAULT_CATEGORIES) {
    await track(await hub.createCategory(c.name, c.description, c.timeRef));
  }
  for (const verifier of params.attestationVerifiers ?? []) {
    await track(await taskManager.setAttestationVerifier(verifier, true));
  }
  if (governance !== deployer) await track(await hub.transferOwnership(governance));

  const network = await signer.provider!.getNetwork();
  const deployment: Deployment = {
    chainId: network.chainId.toString(),
    hub: await hub.getAddress(),
    taskManager: await taskManager.getAddress(),
    token: await token.getAddress(),
    appRegistry: await appRegistry.getAddress(),
    datasetRegistry: await datasetRegistry.getAddress(),
    workerpoolRegistry: await workerpoolRegistry.getAddress(),
    startBlock: (hubReceipt as { blockNumber?: number } | null)?.blockNumber ?? 0,
    deployedAt: new Date().toISOString(),
  };
  return {
    deployment,
    contracts: { hub, taskManager, token, appRegistry, datasetRegistry, workerpoolRegistry },
    gasUsed,
  };
}
