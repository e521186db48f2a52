import { expect } from "chai";
import { Wallet } from "ethers";
import { ServiceError } from "../../src/core/errors/index.js";
import {
  RpcChannels,
  RpcRemoteError,
  channelProtocol,
  dialAddressOf,
  type P2PNode,
} from "../../src/p2p/index.js";
import { serveEcho, testNodes } from "./helpers.js";

const PROTOCOL = "/polis/test-channel/1.0.0";

describe("p2p RPC channels (many requests on one stream)", () => {
  const scheduler = Wallet.createRandom();
  const worker = Wallet.createRandom();
  const { node, stopAll } = testNodes();
  let server: P2PNode;
  let served: string[];
  let refused: string[];
  const channelStreams = (n: P2PNode) =>
    n
      .getConnections()
      .flatMap((c) => c.streams)
      .filter((s) => s.protocol === channelProtocol(PROTOCOL)).length;

  beforeEach(async () => {
    server = await node(scheduler, [worker.address]);
    ({ served, refused } = await serveEcho(server, PROTOCOL, 20));
  });

  afterEach(stopAll);

  it("carries concurrent requests on one stream and matches answers that come back out of order", async () => {
    const client = await node(worker, [scheduler.address]);
    const channels = new RpcChannels(client);
    const target = dialAddressOf(server);
    const replies = await Promise.all(
      [60, 0, 30, 10].map((delayMs, i) =>
        channels.call<{ echo: string; from: string }>(target, PROTOCOL, {
          echo: `r${i}`,
          delayMs,
        }),
      ),
    );
    expect(replies.map((r) => r.echo)).to.deep.equal(["r0", "r1", "r2", "r3"]);
    expect(replies.every((r) => r.from === worker.address)).to.equal(true);
    expect(channelStreams(client)).to.equal(1);
    // A handler's error is that call's, the channel stays.
    const err = await channels.call(target, PROTOCOL, { fail: true }).catch((e: Error) => e);
    expect(err).to.be.instanceOf(RpcRemoteError);
    expect((err as Error).message).to.equal("handler said no");
    expect(
      (await channels.call<{ echo: string }>(target, PROTOCOL, { echo: "again" })).echo,
    ).to.equal("again");
    expect(channelStreams(client)).to.equal(1);
    channels.close();
  });

  it("resets the channel on an oversized frame, fails its pending calls, and opens a new one after", async () => {
    const client = await node(worker, [scheduler.address]);
    const channels = new RpcChannels(client);
    const target = dialAddressOf(server);
    await channels.call(target, PROTOCOL, { echo: "warm" });
    const pending = channels.call(target, PROTOCOL, { echo: "slow", delayMs: 300 });
    const oversized = await channels
      .call(target, PROTOCOL, { echo: "x".repeat(4096) }, { timeoutMs: 5_000 })
      .catch((e: Error) => e);
    expect(oversized).to.be.instanceOf(ServiceError);
    expect(await pending.catch((e: Error) => e)).to.be.instanceOf(ServiceError);
    expect(refused.some((r) => r.startsWith("bad request: InvalidDataLength"))).to.equal(true);
    expect(served).to.not.include("x".repeat(4096));
    const ok = await channels.call<{ echo: string }>(target, PROTOCOL, { echo: "ok" });
    expect(ok.echo).to.equal("ok");
    channels.close();
  });

  it("answers requests over the peer's rate with RateLimited and keeps the channel", async () => {
    const client = await node(worker, [scheduler.address]);
    const channels = new RpcChannels(client);
    const target = dialAddressOf(server);
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => channels.call(target, PROTOCOL, { echo: `s${i}` })),
    );
    const limited = results.filter(
      (r) => r.status === "rejected" && (r.reason as RpcRemoteError).remoteName === "RateLimited",
    );
    expect(served.length).to.be.at.most(21);
    expect(limited.length).to.equal(30 - served.length);
    expect(refused.filter((r) => r === "rate limited").length).to.equal(limited.length);
    expect(channelStreams(client)).to.equal(1);
    channels.close();
  });

  it("times a call out without closing the channel", async () => {
    const client = await node(worker, [scheduler.address]);
    const channels = new RpcChannels(client);
    const target = dialAddressOf(server);
    const err = await channels
      .call(target, PROTOCOL, { echo: "late", delayMs: 500 }, { timeoutMs: 100 })
      .catch((e: Error) => e);
    expect(err).to.be.instanceOf(ServiceError);
    expect((err as Error).message).to.match(/timed out/);
    await new Promise((r) => setTimeout(r, 500)); // the late answer arrives and is dropped
    expect(
      (await channels.call<{ echo: string }>(target, PROTOCOL, { echo: "next" })).echo,
    ).to.equal("next");
    expect(channelStreams(client)).to.equal(1);
    channels.close();
  });

  it("refuses an unregistered peer before any handler runs", async () => {
    const intruder = await node(Wallet.createRandom(), [scheduler.address]);
    const channels = new RpcChannels(intruder);
    const err = await channels
      .call(dialAddressOf(server), PROTOCOL, { echo: "x" }, { timeoutMs: 3_000 })
      .catch((e: Error) => e);
    expect(err).to.be.instanceOf(Error);
    expect(served).to.deep.equal([]);
  });
});
