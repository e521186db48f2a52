import { expect } from "chai";
import { Wallet } from "ethers";
import {
  RpcRemoteError,
  callRpc,
  dialAddressOf,
  peerIdOfWallet,
  type P2PNode,
} from "../../src/p2p/index.js";
import { serveEcho, testNodes } from "./helpers.js";

const PROTOCOL = "/polis/test/1.0.0";

describe("p2p", () => {
  const scheduler = Wallet.createRandom();
  const worker = Wallet.createRandom();
  const stranger = Wallet.createRandom();
  const { node, stopAll } = testNodes();
  let server: P2PNode;
  let served: string[];
  let refused: string[];

  beforeEach(async () => {
    server = await node(scheduler, [worker.address]);
    ({ served, refused } = await serveEcho(server, PROTOCOL, 5));
  });

  afterEach(stopAll);

  it("binds the peer id to the wallet address", () => {
    expect(peerIdOfWallet(worker.privateKey).toString()).to.match(/^16Uiu2/);
  });

  it("serves an authenticated request and reports the caller's wallet", async () => {
    const client = await node(worker, [scheduler.address]);
    const reply = await callRpc<{ echo: string; from: string }>(
      client,
      dialAddressOf(server),
      PROTOCOL,
      { echo: "hi" },
    );
    expect(reply).to.deep.equal({ echo: "hi", from: worker.address });
  });

  it("returns handler errors as RpcRemoteError", async () => {
    const client = await node(worker, [scheduler.address]);
    const err = (await callRpc(client, dialAddressOf(server), PROTOCOL, { fail: true }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(err).to.be.instanceOf(RpcRemoteError);
    expect(err.message).to.equal("handler said no");
  });

  it("refuses a peer whose wallet is not registered, before any handler runs", async () => {
    const intruder = await node(stranger, [scheduler.address]);
    const err = await callRpc(
      intruder,
      dialAddressOf(server),
      PROTOCOL,
      { echo: "x" },
      { timeoutMs: 5000 },
    ).catch((e) => e);
    expect(err).to.be.an("error");
    expect(served).to.deep.equal([]);
  });

  it("refuses an oversized message and keeps serving honest peers", async () => {
    const client = await node(worker, [scheduler.address]);
    const err = await callRpc(
      client,
      dialAddressOf(server),
      PROTOCOL,
      { echo: "x".repeat(4096) },
      { timeoutMs: 5000 },
    ).catch((e) => e);
    expect(err).to.be.an("error");
    expect(refused.some((r) => r.startsWith("bad request"))).to.equal(true);
    expect(served).to.deep.equal([]);
    const ok = await callRpc<{ echo: string }>(client, dialAddressOf(server), PROTOCOL, {
      echo: "ok",
    });
    expect(ok.echo).to.equal("ok");
  });

  it("rate-limits a peer that floods requests", async () => {
    const client = await node(worker, [scheduler.address]);
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, () =>
        callRpc(client, dialAddressOf(server), PROTOCOL, { echo: "spam" }, { timeoutMs: 5000 }),
      ),
    );
    const ok = results.filter((r) => r.status === "fulfilled").length;
    expect(ok).to.be.at.most(6);
    expect(refused.filter((r) => r === "rate limited").length).to.be.at.least(6);
  });

  it("survives a flood of connections from unregistered peers and still serves the worker", async () => {
    const intruders = await Promise.all(
      Array.from({ length: 8 }, () => node(Wallet.createRandom(), [scheduler.address])),
    );
    await Promise.allSettled(
      intruders.map((n) => n.dial(dialAddressOf(server), { signal: AbortSignal.timeout(3000) })),
    );
    expect(server.getConnections().length).to.equal(0);
    const client = await node(worker, [scheduler.address]);
    const ok = await callRpc<{ from: string }>(client, dialAddressOf(server), PROTOCOL, {
      echo: "still here",
    });
    expect(ok.from).to.equal(worker.address);
  });

  it("delivers gossipsub announcements between registered peers", async () => {
    const client = await node(worker, [scheduler.address]);
    await client.dial(dialAddressOf(server));
    const topic = "/polis/test/announce";
    const received = new Promise<string>((resolve) => {
      client.services.pubsub.addEventListener("message", (e) =>
        resolve(Buffer.from(e.detail.data).toString()),
      );
    });
    client.services.pubsub.subscribe(topic);
    server.services.pubsub.subscribe(topic);
    const deadline = Date.now() + 10_000;
    while (server.services.pubsub.getSubscribers(topic).length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await server.services.pubsub.publish(topic, Buffer.from("deal 0x01"));
    expect(await received).to.equal("deal 0x01");
  });
});
