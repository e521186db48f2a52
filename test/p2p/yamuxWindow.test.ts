import { expect } from "chai";
import { YamuxStream } from "@chainsafe/libp2p-yamux/stream";
import { Wallet } from "ethers";
import { RpcChannels, dialAddressOf, handleRpc } from "../../src/p2p/index.js";
import { testNodes } from "./helpers.js";

const PROTOCOL = "/polis/test-window/1.0.0";

describe("p2p yamux window updates: once half the window is used, not per frame", () => {
  const scheduler = Wallet.createRandom();
  const worker = Wallet.createRandom();
  const { node, stopAll } = testNodes();
  afterEach(stopAll);

  it("answers 300 small requests with a handful of window updates, and still moves 1 MiB each way past the 256 KiB window", async () => {
    const server = await node(scheduler, [worker.address]);
    await handleRpc(server, PROTOCOL, async (request) => request, {
      maxMessageBytes: 4 * 1024 * 1024,
      burst: 1_000,
      perSecond: 1_000,
    });
    const client = await node(worker, [scheduler.address]);
    const channels = new RpcChannels(client);
    const target = dialAddressOf(server);

    // Window update frames received by either node's streams (both run in this process).
    const proto = YamuxStream.prototype as unknown as { handleWindowUpdate: (f: unknown) => void };
    const original = proto.handleWindowUpdate;
    let updates = 0;
    proto.handleWindowUpdate = function (this: unknown, frame: unknown) {
      updates++;
      return original.call(this, frame);
    };
    try {
      await channels.call(target, PROTOCOL, { pad: "warm-up" });
      updates = 0;
      for (let i = 0; i < 300; i++) {
        const reply = await channels.call<{ i: number }>(target, PROTOCOL, {
          i,
          pad: "x".repeat(200),
        });
        expect(reply.i).to.equal(i);
      }
      expect(updates, "window updates for 600 small frames").to.be.at.most(4);

      const big = "y".repeat(1024 * 1024);
      const echoed = await channels.call<{ big: string }>(target, PROTOCOL, { big });
      expect(echoed.big.length).to.equal(big.length);
      expect(updates, "a 1 MiB message each way needs updates, and gets them").to.be.greaterThan(4);
    } finally {
      proto.handleWindowUpdate = original;
    }
  });
});
