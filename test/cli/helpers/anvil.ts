import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { JsonRpcProvider, Network, NonceManager, Wallet } from "ethers";

const BIN = join(process.cwd(), "node_modules", ".bin");

/** anvil's well-known dev keys (mnemonic "test test ... junk"). */
export const ANVIL_KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
  "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
  "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
];

export interface Anvil {
  url: string;
  provider: JsonRpcProvider;
  /** Funded signers (anvil keys), nonce-managed. */
  signer(index: number): NonceManager;
  wallet(index: number): Wallet;
  /** Advances the chain clock and mines a block. */
  increaseTime(seconds: number): Promise<void>;
  blockNumber(): Promise<number>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts anvil on a free port (a real JSON-RPC chain) and waits until it answers. */
export async function startAnvil(): Promise<Anvil> {
  const port = await freePort();
  const child: ChildProcess = spawn(join(BIN, "anvil"), ["--port", String(port), "--silent"], {
    stdio: "ignore",
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const r = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (r.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error("anvil did not start");
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const provider = new JsonRpcProvider(url, Network.from(31337), {
    staticNetwork: true,
    cacheTimeout: -1,
  });
  provider.pollingInterval = 50;
  const signers = new Map<number, NonceManager>();
  return {
    url,
    provider,
    signer(index) {
      if (!signers.has(index)) {
        signers.set(index, new NonceManager(new Wallet(ANVIL_KEYS[index], provider)));
      }
      return signers.get(index)!;
    },
    wallet: (index) => new Wallet(ANVIL_KEYS[index], provider),
    async increaseTime(seconds) {
      await provider.send("evm_increaseTime", [seconds]);
      await provider.send("evm_mine", []);
    },
    blockNumber: () => provider.getBlockNumber(),
    async stop() {
      provider.destroy();
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}
