import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { id } from "ethers";
import { KeepAliveJsonRpcProvider } from "../../src/core/rpcProvider.js";
import { isLogRangeLimit } from "../../src/core/logRanges.js";
import { deployFixture, ethers, ONE, type PolisFixture } from "../helpers/fixture.js";

const MAX_SPAN = 3;

/** A JSON-RPC node on 127.0.0.1 over the in-process chain that caps eth_getLogs at 3 blocks. */
async function cappedNode() {
  const seen = { accepted: [] as number[], refused: 0, down: false };
  const blockOf = async (tag: string | undefined) =>
    tag && tag.startsWith("0x")
      ? Number(tag)
      : Number(await ethers.provider.send("eth_blockNumber", []));
  const answer = async (call: { id: number; method: string; params: unknown[] }) => {
    if (call.method === "eth_getLogs") {
      if (seen.down) return { error: { code: -32000, message: "internal error" } };
      const f = call.params[0] as { fromBlock?: string; toBlock?: string };
      const span = (await blockOf(f.toBlock)) - (await blockOf(f.fromBlock)) + 1;
      if (span > MAX_SPAN) {
        seen.refused++;
        return { error: { code: -32005, message: `query exceeds max block range ${MAX_SPAN}` } };
      }
      seen.accepted.push(span);
    }
    try {
      return { result: await ethers.provider.send(call.method, call.params) };
    } catch (e) {
      return { error: { code: -32603, message: String((e as Error).message) } };
    }
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = JSON.parse(Buffer.concat(chunks).toString());
      const calls = Array.isArray(body) ? body : [body];
      const out = await Promise.all(
        calls.map(async (c) => ({ jsonrpc: "2.0", id: c.id, ...(await answer(c)) })),
      );
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(Array.isArray(body) ? out : out[0]));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe("core/rpcProvider: eth_getLogs over a node that caps the range", () => {
  let f: PolisFixture;
  before(async () => {
    f = await deployFixture();
    for (let i = 0; i < 12; i++) {
      await (await f.token.faucet(f.actors.stranger.address, ONE)).wait(); // one block each
    }
  });

  it("splits a refused range until the node accepts it, then asks with the learned span", async () => {
    const node = await cappedNode();
    const provider = new KeepAliveJsonRpcProvider(node.url);
    try {
      const filter = {
        address: await f.token.getAddress(),
        topics: [id("Transfer(address,address,uint256)")],
        fromBlock: 0,
        toBlock: "latest",
      };
      const direct = await ethers.provider.getLogs(filter);
      const split = await provider.getLogs(filter);
      expect(direct.length).to.be.greaterThanOrEqual(12);
      expect(split.map((l) => `${l.transactionHash}:${l.index}`)).to.deep.equal(
        direct.map((l) => `${l.transactionHash}:${l.index}`),
      );
      expect(node.seen.refused).to.be.greaterThan(0);
      expect(Math.max(...node.seen.accepted)).to.be.at.most(MAX_SPAN);

      node.seen.refused = 0;
      expect((await provider.getLogs(filter)).length).to.equal(direct.length);
      expect(node.seen.refused, "the learned span is used at once").to.equal(0);
    } finally {
      provider.destroy();
      await node.close();
    }
  });

  it("does not split on other errors: a node that fails costs one call", async () => {
    const node = await cappedNode();
    node.seen.down = true;
    const provider = new KeepAliveJsonRpcProvider(node.url);
    let calls = 0;
    const send = provider.send.bind(provider);
    provider.send = (method, params) => {
      if (method === "eth_getLogs") calls++;
      return send(method, params);
    };
    try {
      const err = await provider
        .getLogs({ fromBlock: 0, toBlock: "latest" })
        .catch((e: Error) => e);
      expect(err).to.be.instanceOf(Error);
      expect(calls).to.equal(1);
    } finally {
      provider.destroy();
      await node.close();
    }
  });
});

describe("core/logRanges: isLogRangeLimit", () => {
  it("knows the range and size limits of common public nodes, and nothing else", () => {
    const limits = [
      "query returned more than 10000 results",
      "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range",
      "eth_getLogs is limited to a 10,000 range",
      "exceed maximum block range: 5000",
      "block range is too wide",
      "Query timeout exceeded. Consider reducing your block range.",
    ];
    for (const message of limits)
      expect(isLogRangeLimit({ error: { code: -32000, message } }), message).to.equal(true);
    expect(
      isLogRangeLimit({ info: { error: { code: -32005, message: "limit exceeded" } } }),
    ).to.equal(true);
    for (const message of ["internal error", "execution reverted", "ECONNREFUSED"])
      expect(isLogRangeLimit({ error: { code: -32000, message } }), message).to.equal(false);
  });
});
