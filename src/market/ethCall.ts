import { JsonRpcApiProvider, toQuantity } from "ethers";
import type { JsonRpcError, JsonRpcPayload, JsonRpcResult, Provider } from "ethers";

/** Sends `eth_call`s; calls made in the same event-loop turn may share one request. */
export type EthCall = (to: string, data: string, blockTag: number) => Promise<string>;

/**
 * The `eth_call` primitive of the chain reads. Over a JSON-RPC provider, the calls made in one
 * event-loop turn (the checks of all the publishes parsed in that turn) are sent at the end of
 * the turn as one JSON-RPC batch: one HTTP request instead of one per order, each call still
 * answered (or refused) on its own. Other providers (e.g. an in-process chain) get one
 * `eth_call` per read.
 */
export function createEthCall(provider: Provider): EthCall {
  if (!(provider instanceof JsonRpcApiProvider)) {
    const { send } = provider as Provider & {
      send?: (method: string, params: unknown[]) => Promise<string>;
    };
    return (to, data, blockTag) =>
      typeof send === "function"
        ? send.call(provider, "eth_call", [{ to, data }, toQuantity(blockTag)])
        : provider.call({ to, data, blockTag });
  }
  type Pending = { payload: JsonRpcPayload; resolve(v: string): void; reject(e: unknown): void };
  let queue: Pending[] = [];
  let nextId = 1;
  const flush = async () => {
    const batch = queue;
    queue = [];
    let results: (JsonRpcResult | JsonRpcError)[];
    try {
      results = await provider._send(batch.map((p) => p.payload));
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    const byId = new Map(results.map((r) => [r.id, r]));
    for (const p of batch) {
      const r = byId.get(p.payload.id);
      if (r && "result" in r) p.resolve(r.result as string);
      else if (r && "error" in r) p.reject(provider.getRpcError(p.payload, r as JsonRpcError));
      else p.reject(new Error(`no answer to eth_call #${p.payload.id} in the JSON-RPC batch`));
    }
  };
  return (to, data, blockTag) =>
    new Promise((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      const payload: JsonRpcPayload = {
        method: "eth_call",
        params: [{ to, data }, toQuantity(blockTag)],
        id: nextId++,
        jsonrpc: "2.0",
      };
      queue.push({ payload, resolve, reject });
    });
}
