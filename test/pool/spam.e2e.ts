import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { multiaddr } from "@multiformats/multiaddr";
import { Wallet } from "ethers";
import { ServiceError } from "../../src/core/errors/index.js";
import { RpcRemoteError, callRpc, createP2PNode, type P2PNode } from "../../src/p2p/index.js";
import type { RunningPool } from "../../src/pool/launcher.js";
import { POOL_PROTOCOL, type HeartbeatResponse } from "../../src/pool/protocol.js";
import { createPoolWorld, type PoolWorld } from "../../scripts/lib/pool/world.js";
import { alive, logLines, until } from "./processes.js";

const INVENTORY = {
  resourceClass: "edge",
  cpus: 1,
  memoryMb: 256,
  tee: false,
  location: "nowhere",
  capacity: 1,
  version: "spam",
};

describe("Worker pool processes: peer spam against the scheduler process", function () {
  this.timeout(120_000);
  let world: PoolWorld;
  let pool: RunningPool;
  /** worker2's key: registered in the pool, but driven by the test as an abusive peer. */
  let abusive: P2PNode;
  const nodes: P2PNode[] = [];

  before(async () => {
    world = await createPoolWorld({ workers: 3, capacity: 2 });
    pool = await world.launch({ workers: [0, 1] });
    abusive = await node(world.actors.workers[2].privateKey, world.actors.scheduler.address);
  });
  after(async () => {
    await Promise.allSettled(nodes.map((n) => n.stop()));
    await pool?.stop();
    await world?.stop();
  });

  async function node(key: string, scheduler: string): Promise<P2PNode> {
    const n = await createP2PNode({ walletPrivateKey: key, isAllowed: (a) => a === scheduler });
    await n.start();
    nodes.push(n);
    return n;
  }
  const schedulerAddr = () => multiaddr(pool.scheduler.dialAddress);
  const refusals = (reason: RegExp) =>
    logLines(pool, "scheduler").filter(
      (l) => l.msg === "pool request refused" && reason.test(String(l.reason)),
    );
  const inventory = async () =>
    (await (await fetch(`${pool.scheduler.apiUrl}/v1/pool`)).json()) as {
      workers: Array<{ address: string; alive: boolean }>;
    };

  it("refuses an unregistered peer at the connection: no handler runs, it never joins", async () => {
    const stranger = Wallet.createRandom();
    const intruder = await node(stranger.privateKey, world.actors.scheduler.address);
    const err = await callRpc(
      intruder,
      schedulerAddr(),
      POOL_PROTOCOL,
      { type: "hello", inventory: INVENTORY },
      { timeoutMs: 5_000 },
    ).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ServiceError);
    expect(err).not.to.be.instanceOf(RpcRemoteError); // refused before any handler
    await until(() => intruder.getConnections().length === 0, "the connection to be closed");
    const { workers } = await inventory();
    expect(workers.map((w) => w.address)).not.to.include(stranger.address);
  });

  it("refuses an oversized message from a registered peer and serves it again right after", async () => {
    const err = await callRpc(
      abusive,
      schedulerAddr(),
      POOL_PROTOCOL,
      { type: "heartbeat", running: 0, tasks: [], pad: "x".repeat(2 * 1024 * 1024) },
      { timeoutMs: 5_000 },
    ).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ServiceError);
    await until(() => refusals(/^bad request/).length > 0, "the refusal in the scheduler's log");
    expect(
      refusals(/^bad request/).some((l) => l.peer === world.actors.workers[2].address),
    ).to.equal(true);
    const ok = await callRpc<HeartbeatResponse>(abusive, schedulerAddr(), POOL_PROTOCOL, {
      type: "heartbeat",
      running: 0,
      tasks: [],
    });
    expect(ok.cancel).to.deep.equal([]);
  });

  it("rate-limits a registered peer that floods requests while the honest workers complete a deal", async () => {
    const d = await world.matchDeal({ volume: 4n });
    // Waves of 50 concurrent requests (under the 64 streams a connection may open at once).
    const started = Date.now();
    let served = 0;
    for (let wave = 0; wave < 8; wave++) {
      const flood = await Promise.allSettled(
        Array.from({ length: 50 }, () =>
          callRpc(
            abusive,
            schedulerAddr(),
            POOL_PROTOCOL,
            { type: "heartbeat", running: 0, tasks: [] },
            { timeoutMs: 10_000 },
          ),
        ),
      );
      served += flood.filter((r) => r.status === "fulfilled").length;
    }
    const seconds = (Date.now() - started) / 1000;
    expect(served).to.be.at.most(Math.ceil(100 + 50 * seconds)); // burst 100, then 50/s
    await until(() => refusals(/^rate limited$/).length >= 100, "rate-limit refusals in the log");
    await world.waitForTasks(d.taskIds, { timeoutMs: 60_000 });
    expect(await world.fetchResult(d.taskIds[0])).to.equal("ok ");
  });

  it("survives a flood of raw TCP connections and unregistered peers, and keeps serving the workers", async () => {
    const port = Number(/\/tcp\/(\d+)/.exec(pool.scheduler.dialAddress)![1]);
    const sockets: Socket[] = [];
    for (let i = 0; i < 200; i++) {
      const s = connect(port, "127.0.0.1");
      s.on("error", () => undefined);
      s.on("connect", () => s.write(randomBytes(512)));
      sockets.push(s);
    }
    const intruders = await Promise.all(
      Array.from({ length: 8 }, () =>
        node(Wallet.createRandom().privateKey, world.actors.scheduler.address),
      ),
    );
    const dials = intruders.map((n) =>
      callRpc(n, schedulerAddr(), POOL_PROTOCOL, { type: "work", slots: 64 }, { timeoutMs: 5_000 })
        .then(() => "served")
        .catch(() => "refused"),
    );
    try {
      const d = await world.matchDeal({ volume: 6n, args: "--sleep 200" });
      await world.waitForTasks(d.taskIds, { timeoutMs: 60_000 });
      expect(await Promise.all(dials)).to.deep.equal(Array(8).fill("refused"));
      expect(intruders.every((n) => n.getConnections().length === 0)).to.equal(true);
      expect(alive(pool, "scheduler")).to.equal(true);
      const status = readFileSync(`/proc/${pool.scheduler.pid}/status`, "utf8");
      const rssMb = Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
      expect(rssMb).to.be.below(500);
      const { workers } = await inventory();
      const honest = world.actors.workers.slice(0, 2).map((w) => w.address);
      expect(workers.filter((w) => honest.includes(w.address)).every((w) => w.alive)).to.equal(
        true,
      );
    } finally {
      for (const s of sockets) s.destroy();
    }
  });
});
