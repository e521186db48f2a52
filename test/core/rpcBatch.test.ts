import { expect } from "chai";
import type { JsonRpcError, JsonRpcPayload, JsonRpcResult } from "ethers";
import { createTurnBatcher } from "../../src/core/rpcBatch.js";

type Answer = JsonRpcResult | JsonRpcError;
const call = (id: number, method = "eth_call"): JsonRpcPayload => ({
  id,
  method,
  params: [],
  jsonrpc: "2.0",
});
const toError = (p: JsonRpcPayload, e: JsonRpcError) => new Error(`#${p.id}: ${e.error.message}`);

describe("core/rpcBatch: the calls of one event-loop turn", () => {
  it("go out together when the turn ends, a lone call as a plain request", async () => {
    const sent: (JsonRpcPayload | JsonRpcPayload[])[] = [];
    const batcher = createTurnBatcher(async (p) => {
      sent.push(p);
      return (Array.isArray(p) ? p : [p]).map((c) => ({ id: c.id, result: `r${c.id}` }));
    }, toError);
    expect(await Promise.all([batcher(call(1)), batcher(call(2)), batcher(call(3))])).to.deep.equal(
      ["r1", "r2", "r3"],
    );
    expect(await batcher(call(4))).to.equal("r4");
    expect(sent).to.deep.equal([[call(1), call(2), call(3)], call(4)]);
  });

  it("are split into batches of at most the cap", async () => {
    const sizes: number[] = [];
    const batcher = createTurnBatcher(
      async (p) => {
        const calls = Array.isArray(p) ? p : [p];
        sizes.push(calls.length);
        return calls.map((c) => ({ id: c.id, result: c.id }));
      },
      toError,
      100,
    );
    const ids = Array.from({ length: 250 }, (_, i) => i + 1);
    expect(await Promise.all(ids.map((i) => batcher(call(i))))).to.deep.equal(ids);
    expect(sizes).to.deep.equal([100, 100, 50]);
  });

  it("are answered or refused each on its own", async () => {
    const batcher = createTurnBatcher(
      async (): Promise<Answer[]> => [
        { id: 2, error: { code: 3, message: "execution reverted" } } as JsonRpcError,
        { id: 1, result: "0x01" },
      ],
      toError,
    );
    const outcomes = await Promise.allSettled([
      batcher(call(1)),
      batcher(call(2)),
      batcher(call(3)),
    ]);
    expect(
      outcomes.map((o) => (o.status === "fulfilled" ? o.value : String(o.reason))),
    ).to.deep.equal([
      "0x01",
      "Error: #2: execution reverted",
      "Error: no answer to JSON-RPC call #3 in its batch",
    ]);
  });

  it("refuse only the calls of a batch whose request failed", async () => {
    let n = 0;
    const batcher = createTurnBatcher(
      async (p) => {
        if (n++ === 0) throw new Error("socket hang up");
        return (Array.isArray(p) ? p : [p]).map((c) => ({ id: c.id, result: "ok" }));
      },
      toError,
      2,
    );
    const outcomes = await Promise.allSettled([1, 2, 3].map((i) => batcher(call(i))));
    expect(outcomes.map((o) => o.status)).to.deep.equal(["rejected", "rejected", "fulfilled"]);
  });

  it("take a lone call's answer as its own even without its id (a node's parse error)", async () => {
    const batcher = createTurnBatcher(
      async (): Promise<Answer[]> => [
        { id: null, error: { code: -32700, message: "parse error" } } as unknown as JsonRpcError,
      ],
      toError,
    );
    await batcher(call(7)).then(
      () => expect.fail("resolved"),
      (e: Error) => expect(e.message).to.equal("#7: parse error"),
    );
  });
});
