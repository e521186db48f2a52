import type { Provider, Signer, TypedDataDomain } from "ethers";
import {
  AppRegistry__factory,
  DatasetRegistry__factory,
  Polis__factory,
  PolisToken__factory,
  TaskManager__factory,
  WorkerpoolRegistry__factory,
} from "../../types/index.js";
import type {
  AppRegistry,
  DatasetRegistry,
  Polis,
  PolisToken,
  TaskManager,
  WorkerpoolRegistry,
} from "../../types/index.js";
import { hubDomain, taskDomain } from "../core/domain.js";
import { KeepAliveJsonRpcProvider } from "../core/rpcProvider.js";
import { loadDeployment, type Deployment } from "./deploy/deployment.js";

/** Everything an SDK action needs: a provider, an optional signer, and the bound contracts. */
export interface PolisClient {
  provider: Provider;
  /** Absent for read-only clients; write actions throw a UserError without it. */
  signer?: Signer;
  chainId: bigint;
  deployment: Deployment;
  hub: Polis;
  taskManager: TaskManager;
  token: PolisToken;
  appRegistry: AppRegistry;
  datasetRegistry: DatasetRegistry;
  workerpoolRegistry: WorkerpoolRegistry;
  hubDomain: TypedDataDomain;
  taskDomain: TypedDataDomain;
}

export interface CreateClientParameters {
  /** An ethers provider (in-process Hardhat, JsonRpcProvider...). */
  provider?: Provider;
  /** Or a JSON-RPC URL (hardhat node, anvil, a remote chain). */
  rpcUrl?: string;
  signer?: Signer;
  /** Addresses; read from `deploymentsDir/<chainId>.json` when absent. */
  deployment?: Deployment;
  deploymentsDir?: string;
}

/**
 * Creates a client bound to a Polis deployment on any EVM JSON-RPC chain.
 * @example const client = await createClient({ rpcUrl: "http://127.0.0.1:8545", signer });
 */
export async function createClient(params: CreateClientParameters): Promise<PolisClient> {
  const provider =
    params.provider ??
    params.signer?.provider ??
    (params.rpcUrl ? new KeepAliveJsonRpcProvider(params.rpcUrl) : undefined);
  if (!provider) throw new Error("createClient needs a provider, a signer with one, or an rpcUrl");
  const chainId = (await provider.getNetwork()).chainId;
  const deployment = params.deployment ?? (await loadDeployment(chainId, params.deploymentsDir));
  const runner = params.signer ?? provider;
  return {
    provider,
    signer: params.signer,
    chainId,
    deployment,
    hub: Polis__factory.connect(deployment.hub, runner),
    taskManager: TaskManager__factory.connect(deployment.taskManager, runner),
    token: PolisToken__factory.connect(deployment.token, runner),
    appRegistry: AppRegistry__factory.connect(deployment.appRegistry, runner),
    datasetRegistry: DatasetRegistry__factory.connect(deployment.datasetRegistry, runner),
    workerpoolRegistry: WorkerpoolRegistry__factory.connect(deployment.workerpoolRegistry, runner),
    hubDomain: hubDomain(chainId, deployment.hub),
    taskDomain: taskDomain(chainId, deployment.taskManager),
  };
}

/** The same client acting as another signer. */
export function withSigner(client: PolisClient, signer: Signer): PolisClient {
  return {
    ...client,
    signer,
    hub: client.hub.connect(signer),
    taskManager: client.taskManager.connect(signer),
    token: client.token.connect(signer),
    appRegistry: client.appRegistry.connect(signer),
    datasetRegistry: client.datasetRegistry.connect(signer),
    workerpoolRegistry: client.workerpoolRegistry.connect(signer),
  };
}
