import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { JsonRpcProvider } from "ethers";

/** An anvil chain in a child process (killed by `stop`). */
export interface AnvilChain {
  url: string;
  provider: JsonRpcProvider;
  stop(): void;
}

function anvilBinary(): string {
  const require = createRequire(import.meta.url);
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  try {
    const pkg = require.resolve(`@foundry-rs/anvil-${process.platform}-${arch}/package.json`);
    const bin = join(dirname(pkg), "bin", "anvil");
    if (existsSync(bin)) return bin;
  } catch {
    // fall back to the npm wrapper
  }
  return join(process.cwd(), "node_modules", ".bin", "anvil");
}

/** Starts anvil on `port` (20 funded accounts) and waits until it answers. */
export async function startAnvil(port: number): Promise<AnvilChain> {
  const child: ChildProcess = spawn(
    anvilBinary(),
    [
      "--port",
      String(port),
      "--host",
      "127.0.0.1",
      "--silent",
      "--accounts",
      "20",
      "--balance",
      "1000000",
      "--gas-limit",
      "100000000",
    ],
    { stdio: "ignore" },
  );
  // Never leave an orphan chain behind, even when the parent exits without calling stop().
  const killChild = () => child.kill("SIGTERM");
  process.once("exit", killChild);
  const url = `http://127.0.0.1:${port}`;
  const provider = new JsonRpcProvider(url, undefined, { cacheTimeout: -1, staticNetwork: true });
  for (let i = 0; i < 100; i++) {
    try {
      await provider.getBlockNumber();
      return {
        url,
        provider,
        stop: () => {
          provider.destroy();
          child.kill("SIGTERM");
        },
      };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  provider.destroy();
  child.kill("SIGTERM");
  throw new Error("anvil did not start");
}
