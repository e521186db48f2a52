import type { JsonRpcError, JsonRpcPayload, JsonRpcResult } from "ethers";

/** Largest JSON-RPC batch sent at once (ethers' default; public nodes cap batches near it). */
export const MAX_BATCH = 100;

interface Pending {
  payload: JsonRpcPayload;
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

/**
 * Collects the JSON-RPC calls made in one event-loop turn and sends them when the turn ends: a
 * lone call as a plain request, more as batches of at most `maxBatch`. Each call is answered or
 * refused on its own; a transport failure refuses every call of its batch.
 * @param send Posts one request (a payload or an array of them) and resolves with its answers.
 * @param toError Turns a JSON-RPC error answer into the error its caller gets.
 */
export function createTurnBatcher(
  send: (payload: JsonRpcPayload | JsonRpcPayload[]) => Promise<(JsonRpcResult | JsonRpcError)[]>,
  toError: (payload: JsonRpcPayload, error: JsonRpcError) => Error,
  maxBatch = MAX_BATCH,
): (payload: JsonRpcPayload) => Promise<unknown> {
  let queue: Pending[] = [];

  const sendBatch = async (batch: Pending[]) => {
    let answers: (JsonRpcResult | JsonRpcError)[];
    try {
      answers = await send(batch.length === 1 ? batch[0].payload : batch.map((p) => p.payload));
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    const byId = new Map(answers.map((a) => [a.id, a]));
    for (const p of batch) {
      // A lone call's answer is its own even when a node echoes no id (e.g. on a parse error).
      const a = byId.get(p.payload.id) ?? (batch.length === 1 ? answers[0] : undefined);
      if (a && "result" in a) p.resolve(a.result);
      else if (a && "error" in a) p.reject(toError(p.payload, a));
      else p.reject(new Error(`no answer to JSON-RPC call #${p.payload.id} in its batch`));
    }
  };

  const flush = () => {
    const pending = queue;
    queue = [];
    for (let i = 0; i < pending.length; i += maxBatch) {
      void sendBatch(pending.slice(i, i + maxBatch));
    }
  };

  return (payload) =>
    new Promise((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ payload, resolve, reject });
    });
}
