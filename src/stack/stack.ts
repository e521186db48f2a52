import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { parseEther } from "ethers";
import type { NonceManager } from "ethers";
import { OrderKind, TEE_TAG, NO_TAG } from "../core/index.js";
import { createClient, withSigner } from "../sdk/client.js";
import type { PolisClient } from "../sdk/client.js";
import { buildWorkerpoolOrder } from "../sdk/actions/orders/buildWorkerpoolOrder.js";
import { signOrder } from "../sdk/actions/orders/signOrder.js";
import { createMarketClient } from "../sdk/market/client.js";
import { createStackAuthority } from "./authority.js";
import { DEV_DEPLOYER_KEY, deployStack, startChain } from "./chain.js";
import type { StackChain } from "./chain.js";
import { fundWallets } from "./funding.js";
import { pickPorts } from "./ports.js";
import { createPoolWallets, registerPool, startPoolProcesses, writePoolConfig } from "./pool.js";
import type { PoolWallets } from "./pool.js";
import { stopInOrder, strayProcesses } from "./processes.js";
import type { StackProcess } from "./processes.js";
import { smsVerifier, startAuditor, startMarket, startSms, waitHealthy } from "./services.js";
import type { ServiceContext } from "./services.js";
import { removeStackState, writeStackState } from "./state.js";
import type { StackState } from "./state.js";

/** Prices of the pool's standing orders (POLIS per task). */
export const POOL_PRICES = { tee: parseEther("3"), standard: parseEther("3") } as const;

export interface StartStackOptions {
  /** Repository root (where node_modules and the service entry points are). */
  root: string;
  /** Absolute folder for everything the stack writes (emptied by the caller). */
  dataDir: string;
  /** Where to record the running stack for `polis down` (default: not recorded). */
  statePath?: string;
  /** Use this chain instead of starting anvil. */
  rpc?: string;
  /** Use the default ports (8545, 13300...) when free (default true). */
  defaultPorts?: boolean;
  /** Workers in the pool (default 3). */
  workers?: number;
  /** Governance and funder; default: the dev chains' first account. */
  deployerKey?: string;
  /** Log level of the services (default info). */
  logLevel?: string;
  /** Called before each step with a short label. */
  onStep?: (label: string) => void;
}

/** A running local stack: chain, SMS, market, auditor/explorer and a worker pool. */
export interface Stack {
  state: StackState;
  chain: StackChain;
  /** Read-only client of the deployment. */
  client: PolisClient;
  /** Governance (the deployer): funds wallets. */
  governance: NonceManager;
  poolWallets: PoolWallets;
  /** Gas used by the deployment transactions. */
  deployGas: bigint;
  /** Stops every process (reverse order), removes the state file, and lists strays left. */
  stop(): Promise<{ stray: number[] }>;
}

/**
 * Starts the whole marketplace on 127.0.0.1, each service its own process: an embedded chain
 * (anvil; or `rpc`), Polis deployed with the default categories, an attestation authority with
 * one enrolled host per worker, the SMS (its verifier key registered on the task manager), the
 * market, the auditor/explorer, and a pool of one scheduler and `workers` TEE-capable workers,
 * with the pool's standing TEE and replicated orders published. On failure everything started
 * so far is stopped before the error is rethrown.
 * @example const stack = await startStack({ root, dataDir }); ...; await stack.stop();
 */
export async function startStack(opts: StartStackOptions): Promise<Stack> {
  const step = opts.onStep ?? (() => {});
  const processes: StackProcess[] = [];
  const dir = (name: string) => join(opts.dataDir, name);
  const workers = opts.workers ?? 3;
  await mkdir(dir("logs"), { recursive: true });
  const stopAll = async () => {
    await stopInOrder(processes);
    if (opts.statePath) await removeStackState(opts.statePath);
    return { stray: strayProcesses(processes, opts.dataDir) };
  };
  try {
    const ports = await pickPorts(opts.defaultPorts ?? true);
    step(
      opts.rpc ? `Connecting to the chain at ${opts.rpc}` : "Starting the embedded chain (anvil)",
    );
    const chain = await startChain({
      rpc: opts.rpc,
      port: ports.chain,
      root: opts.root,
      logFile: join(dir("logs"), "chain.log"),
    });
    if (chain.process) processes.push(chain.process);

    step("Deploying the contracts and the default categories");
    const deploymentsDir = dir("deployments");
    const { deployment, governance, gasUsed } = await deployStack(
      chain,
      opts.deployerKey ?? DEV_DEPLOYER_KEY,
      deploymentsDir,
    );
    const client = await createClient({ provider: chain.provider, deployment });

    step(`Creating the attestation authority and enrolling ${workers} worker hosts`);
    const authority = await createStackAuthority(dir("authority"), dir("hosts"), workers);

    step("Starting the SMS, the market and the auditor/explorer");
    const ctx: ServiceContext = {
      root: opts.root,
      rpcUrl: chain.url,
      deploymentsDir,
      logsDir: dir("logs"),
      logLevel: opts.logLevel ?? "info",
    };
    const url = (port: number) => `http://127.0.0.1:${port}`;
    const sms = startSms(ctx, {
      port: ports.sms,
      dataDir: dir("sms"),
      authorityDir: authority.dir,
    });
    const market = startMarket(ctx, {
      port: ports.market,
      dbPath: join(dir("market"), "market.db"),
    });
    const auditor = startAuditor(ctx, {
      port: ports.auditor,
      dbPath: join(dir("auditor"), "auditor.db"),
      authorityDir: authority.dir,
    });
    processes.push(sms, market, auditor);
    const poolWallets = createPoolWallets(workers);
    const state: StackState = {
      version: 1,
      startedAt: new Date().toISOString(),
      dataDir: opts.dataDir,
      chainId: deployment.chainId,
      embeddedChain: chain.embedded,
      deploymentsDir,
      urls: {
        rpc: chain.url,
        sms: url(ports.sms),
        market: url(ports.market),
        auditor: url(ports.auditor),
        explorer: `${url(ports.auditor)}/`,
        scheduler: url(ports.scheduler),
      },
      pool: {
        address: "",
        owner: poolWallets.owner.address,
        scheduler: poolWallets.scheduler.address,
        workers: poolWallets.workers.map((w) => w.address),
      },
      processes,
    };
    if (opts.statePath) await writeStackState(opts.statePath, state);

    step("Funding the pool owner and the workers (faucet + deposit), registering the pool");
    const ownerSigner = poolWallets.owner.connect(chain.provider);
    await fundWallets(client, governance, [
      { signer: ownerSigner, deposit: parseEther("10000") },
      { signer: poolWallets.scheduler.connect(chain.provider), deposit: 0n },
      ...poolWallets.workers.map((w) => ({
        signer: w.connect(chain.provider),
        deposit: parseEther("100"),
      })),
    ]);
    state.pool.address = await registerPool(client, poolWallets);

    const verifier = await smsVerifier(sms, state.urls.sms);
    await (
      await client.taskManager.connect(governance).setAttestationVerifier(verifier, true)
    ).wait();

    step(`Starting the worker pool: 1 scheduler and ${workers} workers`);
    const configPath = await writePoolConfig({
      dir: dir("pool"),
      rpcUrl: chain.url,
      deploymentsDir,
      pool: state.pool.address,
      smsUrl: state.urls.sms,
      apiPort: ports.scheduler,
      wallets: poolWallets,
      hostDirs: authority.hostDirs,
    });
    const pool = await startPoolProcesses(ctx, {
      configPath,
      stateDir: join(dir("pool"), "state"),
      workers,
    });
    processes.push(...pool.processes);
    state.urls.scheduler = pool.scheduler.apiUrl;
    if (opts.statePath) await writeStackState(opts.statePath, state);
    await Promise.all([
      waitHealthy(market, state.urls.market),
      waitHealthy(auditor, state.urls.auditor),
    ]);

    step("Publishing the pool's standing orders (TEE trust 1, replicated trust 3)");
    await publishPoolOrders(withSigner(client, ownerSigner), state.urls.market, state.pool.address);
    return {
      state,
      chain,
      client,
      governance,
      poolWallets,
      deployGas: gasUsed,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The pool's offers: TEE tasks (trust 1) and replicated standard tasks (trust up to 3). */
async function publishPoolOrders(owner: PolisClient, marketUrl: string, workerpool: string) {
  const market = createMarketClient({ url: marketUrl });
  for (const offer of [
    { tag: TEE_TAG, trust: 1n, price: POOL_PRICES.tee },
    { tag: NO_TAG, trust: 3n, price: POOL_PRICES.standard },
  ]) {
    const unsigned = await buildWorkerpoolOrder(owner, { workerpool, volume: 1000n, ...offer });
    const { order } = await signOrder(owner, { kind: OrderKind.Workerpool, order: unsigned });
    await market.publishOrder(OrderKind.Workerpool, order);
  }
}
