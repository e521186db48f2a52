import { toQuantity } from "ethers";
import type { Provider } from "ethers";

/** Sends one `eth_call` at a block and resolves with its return data. */
export type EthCall = (to: string, data: string, blockTag: number) => Promise<string>;

/**
 * The `eth_call` primitive of the chain reads: the raw JSON-RPC method when the provider has one
 * (it skips the ethers Contract and AbstractProvider layers, ~10x less CPU), where
 * KeepAliveJsonRpcProvider sends the calls of one event-loop turn (the checks of all the
 * publishes parsed in that turn) as one JSON-RPC batch; `provider.call` otherwise (e.g. an
 * in-process chain).
 */
export function createEthCall(provider: Provider): EthCall {
  const { send } = provider as Provider & {
    send?: (method: string, params: unknown[]) => Promise<string>;
  };
  return (to, data, blockTag) =>
    typeof send === "function"
      ? send.call(provider, "eth_call", [{ to, data }, toQuantity(blockTag)])
      : provider.call({ to, data, blockTag });
}
