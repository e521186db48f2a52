import { expect } from "chai";
import {
  KeepAliveJsonRpcProvider,
  OrderKind,
  orderHash,
  signCancel,
} from "../../src/core/index.js";
import { createMarket } from "../../src/market/index.js";
import type { Market } from "../../src/market/index.js";
import { createEthCall } from "../../src/market/ethCall.js";
import { createClient } from "../../src/sdk/client.js";
import { ethers, networkHelpers } from "../helpers/fixture.js";
import type { PolisFixture } from "../helpers/fixture.js";
import { buildOrders, signOrders } from "../helpers/market.js";
import type { Assets } from "../helpers/market.js";
import {
  bookSnapshot,
  deploymentOf,
  fundedAssets,
  publish,
  recordingNode,
  silentLogger,
} from "./helpers.js";
import type { RecordingNode } from "./helpers.js";

describe("market chain reads over a JSON-RPC node", () => {
  let f: PolisFixture;
  let assets: Assets;
  let node: RecordingNode;
  let provider: KeepAliveJsonRpcProvider;

  beforeEach(async () => {
    const { fx, a } = await networkHelpers.loadFixture(fundedAssets);
    f = fx;
    assets = a;
    node = await recordingNode();
    provider = new KeepAliveJsonRpcProvider(node.url);
  });
  afterEach(async () => {
    provider.destroy();
    await node.close();
  });

  const consumedCall = (h: string) => f.hub.interface.encodeFunctionData("consumed", [h]);

  describe("createEthCall", () => {
    it("sends the calls of one event-loop turn as one batch and answers or refuses each alone", async () => {
      const call = createEthCall(provider);
      const hub = await f.hub.getAddress();
      const block = await ethers.provider.getBlockNumber();
      const { appOrder } = await buildOrders(f, assets);
      const h = orderHash(f.hubDomain, OrderKind.App, appOrder);
      await (
        await f.hub.cancelAppOrder(appOrder, await signCancel(f.actors.appOwner, f.hubDomain, h))
      ).wait();
      const at = block + 1;
      // The provider's one-time network check is not part of the turn below.
      provider._start();
      await provider.getNetwork();
      node.requests.length = 0;
      const [cancelled, fresh, reverted] = await Promise.allSettled([
        call(hub, consumedCall(h), at),
        call(hub, consumedCall(ethers.ZeroHash), at),
        call(await f.token.getAddress(), "0xdeadbeef", at), // no such function: reverts
      ]);
      expect(node.requests).to.deep.equal([["eth_call", "eth_call", "eth_call"]]);
      expect(cancelled.status === "fulfilled" && BigInt(cancelled.value)).to.equal(appOrder.volume);
      expect(fresh.status === "fulfilled" && BigInt(fresh.value)).to.equal(0n);
      expect(reverted.status).to.equal("rejected");
    });

    it("refuses every call of a batch the node does not answer", async () => {
      const call = createEthCall(provider);
      const hub = await f.hub.getAddress();
      const block = await ethers.provider.getBlockNumber();
      node.down = true;
      const outcomes = await Promise.allSettled([
        call(hub, consumedCall(ethers.ZeroHash), block),
        call(hub, consumedCall(ethers.ZeroHash), block),
      ]);
      expect(outcomes.map((o) => o.status)).to.deep.equal(["rejected", "rejected"]);
    });

    it("reads through a provider that is not JSON-RPC over HTTP (the in-process chain)", async () => {
      const call = createEthCall(ethers.provider);
      const hub = await f.hub.getAddress();
      const block = await ethers.provider.getBlockNumber();
      expect(BigInt(await call(hub, consumedCall(ethers.ZeroHash), block))).to.equal(0n);
    });
  });

  describe("POST /v1/orders", () => {
    let market: Market;
    beforeEach(async () => {
      const client = await createClient({ provider, deployment: await deploymentOf(f) });
      market = createMarket(
        { client, logger: silentLogger },
        { port: 0, confirmations: 0, watch: false, defaultMetrics: false, headTtlMs: 60_000 },
      );
      await market.start();
    });
    afterEach(async () => market.stop());

    it("answers each of concurrent publishes on its own when one of them is bad", async () => {
      const sets = await Promise.all(
        [0, 1, 2, 3].map(async () => signOrders(f, await buildOrders(f, assets))),
      );
      const [good, twice, cancelled, forged] = sets.map((s) => s.appOrder);
      const h = orderHash(f.hubDomain, OrderKind.App, cancelled);
      await (
        await f.hub.cancelAppOrder(cancelled, await signCancel(f.actors.appOwner, f.hubDomain, h))
      ).wait();
      const results = await Promise.all(
        [good, twice, twice, cancelled, { ...forged, price: forged.price + 1n }].map((o) =>
          publish(market, OrderKind.App, o),
        ),
      );
      expect(results.map((r) => r.status)).to.deep.equal([
        201,
        results[1].status,
        results[1].status === 201 ? 200 : 201,
        422,
        403,
      ]);
      expect(results[3].body.error.name).to.equal("OrderConsumed");
      expect(results[4].body.error.name).to.equal("OrderSignatureInvalid");
      expect(bookSnapshot(market)).to.have.length(2);
      const calls = node.requests.flat().filter((m) => m === "eth_call").length;
      expect(calls).to.be.greaterThanOrEqual(5); // every order's consumed volume was read
    });
  });
});
