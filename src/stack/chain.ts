import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { NonceManager, Wallet } from "ethers";
import type { JsonRpcProvider } from "ethers";
import { connectRpc } from "../sdk/connect.js";
import { deployPolis } from "../sdk/deploy/deployPolis.js";
import { saveDeployment } from "../sdk/deploy/deployment.js";
import type { Deployment } from "../sdk/deploy/deployment.js";
import { spawnService, waitReady } from "./processes.js";
import type { StackProcess } from "./processes.js";

/**
 * The first account of anvil's and Hardhat's default dev mnemonic ("test test ... junk"): a
 * public test key, funded on every fresh anvil or `hardhat node` chain. Never use it elsewhere.
 */
export const DEV_DEPLOYER_KEY =
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/** The chain a stack runs on. */
export interface StackChain {
  url: string;
  /** True when the stack started it (anvil) and stops it with the rest. */
  embedded: boolean;
  process?: StackProcess;
  provider: JsonRpcProvider;
  chainId: bigint;
}

/** The anvil binary: the platform package's native binary, else the npm wrapper. */
export function anvilBinary(root: string): string {
  try {
    const pkg = createRequire(join(root, "package.json")).resolve(
      "@foundry-rs/anvil-linux-amd64/package.json",
    );
    const bin = join(dirname(pkg), "bin", "anvil");
    if (existsSync(bin)) return bin;
  } catch {
    // another platform: use the wrapper
  }
  return join(root, "node_modules", ".bin", "anvil");
}

/**
 * Starts anvil on `port` (the embedded chain) or connects to `rpc` (hardhat node, anvil, any dev
 * chain). Either way returns a provider with caching off.
 */
export async function startChain(p: {
  rpc?: string;
  port: number;
  root: string;
  logFile: string;
}): Promise<StackChain> {
  if (p.rpc) {
    const provider = await connectRpc({ url: p.rpc, pollingIntervalMs: 100 });
    return {
      url: p.rpc,
      embedded: false,
      provider,
      chainId: (await provider.getNetwork()).chainId,
    };
  }
  const url = `http://127.0.0.1:${p.port}`;
  const proc = spawnService({
    name: "chain",
    command: anvilBinary(p.root),
    args: ["--host", "127.0.0.1", "--port", String(p.port), "--silent"],
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    cwd: p.root,
    logFile: p.logFile,
    marker: "anvil",
  });
  const provider = await waitReady(
    proc,
    () => connectRpc({ url, timeoutMs: 500, pollingIntervalMs: 100 }),
    20_000,
  );
  return {
    url,
    embedded: true,
    process: proc,
    provider,
    chainId: (await provider.getNetwork()).chainId,
  };
}

/**
 * Deploys Polis (token with a faucet, registries, hub, task manager, the default categories)
 * with `deployerKey` as governance, and writes `<deploymentsDir>/<chainId>.json`.
 */
export async function deployStack(
  chain: StackChain,
  deployerKey: string,
  deploymentsDir: string,
): Promise<{ deployment: Deployment; governance: NonceManager; gasUsed: bigint }> {
  const governance = new NonceManager(new Wallet(deployerKey, chain.provider));
  const { deployment, gasUsed } = await deployPolis(governance, { faucetLimit: 10n ** 27n });
  await saveDeployment(deployment, deploymentsDir);
  return { deployment, governance, gasUsed };
}
