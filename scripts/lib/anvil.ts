import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { deployPolis } from "../../src/sdk/deploy/deployPolis.js";
import { saveDeployment, type Deployment } from "../../src/sdk/deploy/deployment.js";

/** Anvil's well-known first dev account (public test key, funded on every anvil chain). */
export const ANVIL_KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
];

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

function anvilBinary(): string {
  try {
    const pkg = createRequire(import.meta.url).resolve(
      "@foundry-rs/anvil-linux-amd64/package.json",
    );
    const bin = join(dirname(pkg), "bin", "anvil");
    if (existsSync(bin)) return bin;
  } catch {
    // other platform: use the npm wrapper
  }
  return join(process.cwd(), "node_modules", ".bin", "anvil");
}

export interface AnvilChain {
  url: string;
  provider: JsonRpcProvider;
  deployment: Deployment;
  deploymentsDir: string;
  governance: Wallet;
  /** The anvil process id (for CPU and memory figures). */
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts anvil on a free port (its own process group, killed by id on stop), deploys Polis with
 * `verifiers` registered and writes deployments/<chainId>.json under `dir`.
 */
export async function startAnvil(dir: string, verifiers: string[] = []): Promise<AnvilChain> {
  const port = await freePort();
  const proc: ChildProcess = spawn(anvilBinary(), ["--port", String(port), "--silent"], {
    stdio: "ignore",
    detached: true,
  });
  const url = `http://127.0.0.1:${port}`;
  const provider = new JsonRpcProvider(url, undefined, {
    cacheTimeout: -1,
    staticNetwork: true,
    polling: true,
  });
  for (let i = 0; ; i++) {
    try {
      await provider._send({ id: 1, jsonrpc: "2.0", method: "eth_chainId", params: [] });
      break;
    } catch {
      if (i > 100) throw new Error("anvil did not start");
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const governance = new Wallet(ANVIL_KEYS[0], provider);
  const { deployment } = await deployPolis(new NonceManager(governance) as unknown as Wallet, {
    faucetLimit: 10n ** 30n,
    attestationVerifiers: verifiers,
  });
  const deploymentsDir = join(dir, "deployments");
  await saveDeployment(deployment, deploymentsDir);
  return {
    url,
    provider,
    deployment,
    deploymentsDir,
    governance,
    pid: proc.pid!,
    async stop() {
      provider.destroy();
      try {
        process.kill(-proc.pid!, "SIGKILL");
      } catch {
        // gone
      }
    },
  };
}
