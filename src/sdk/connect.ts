import { JsonRpcProvider, Network } from "ethers";
import { ServiceError, UserError } from "../core/errors/index.js";

export interface ConnectRpcParameters {
  url: string;
  /** Abort the first request after this many milliseconds (default 5000). */
  timeoutMs?: number;
  /** When set, the chain must have this id. */
  expectedChainId?: bigint;
  /** Poll interval for new blocks (default 250 ms: dev chains mine instantly). */
  pollingIntervalMs?: number;
}

/**
 * Connects to any EVM JSON-RPC endpoint: asks `eth_chainId` once (so an unreachable node fails
 * fast with a clear ServiceError instead of retrying forever), then returns a provider pinned to
 * that network with response caching off (see TOOLCHAIN.md).
 * @example const provider = await connectRpc({ url: "http://127.0.0.1:8545" });
 */
export async function connectRpc(params: ConnectRpcParameters): Promise<JsonRpcProvider> {
  const { url } = params;
  if (!/^https?:\/\//.test(url)) {
    throw new UserError(`"${url}" is not an http(s) JSON-RPC URL.`);
  }
  let chainId: bigint;
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(params.timeoutMs ?? 5000),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = (await response.json()) as { result?: string };
    if (typeof body.result !== "string") throw new Error("no chain id in the answer");
    chainId = BigInt(body.result);
  } catch (cause) {
    throw new ServiceError(`Cannot reach the chain at ${url}.`, {
      cause,
      details: cause instanceof Error ? cause.message : String(cause),
      hint: "Start a local chain (`npx anvil` or `npx hardhat node`) or pass --rpc <url>.",
    });
  }
  if (params.expectedChainId !== undefined && params.expectedChainId !== chainId) {
    throw new UserError(
      `The node at ${url} serves chain ${chainId}, not chain ${params.expectedChainId}.`,
    );
  }
  const provider = new JsonRpcProvider(url, Network.from(chainId), {
    staticNetwork: true,
    cacheTimeout: -1,
  });
  provider.pollingInterval = params.pollingIntervalMs ?? 250;
  return provider;
}
