import { expect } from "chai";
import express from "express";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createEventHub, type EventHub } from "../../src/market/eventHub.js";

interface Frame {
  id?: string;
  event?: string;
  data?: unknown;
}

/** Opens the stream, reads until `count` events arrived (or `ms` passed), then closes it. */
async function read(
  url: string,
  count: number,
  headers: Record<string, string> = {},
  ms = 2000,
): Promise<Frame[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  const frames: Frame[] = [];
  try {
    const res = await fetch(url, { headers, signal: controller.signal });
    const reader = res.body!.getReader();
    let buffer = "";
    while (frames.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += new TextDecoder().decode(value);
      let i;
      while ((i = buffer.indexOf("\n\n")) >= 0) {
        const raw = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        const event = /^event: (.*)$/m.exec(raw)?.[1];
        if (!event) continue;
        frames.push({
          id: /^id: (.*)$/m.exec(raw)?.[1],
          event,
          data: JSON.parse(/^data: (.*)$/m.exec(raw)![1]),
        });
      }
    }
  } catch {
    // aborted: return what arrived
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return frames;
}

describe("market live events (SSE)", () => {
  let hub: EventHub;
  let server: Server;
  let url: string;

  const start = async (options: Parameters<typeof createEventHub>[0]) => {
    hub = createEventHub(options);
    const app = express();
    app.get("/v1/events", (req, res) => hub.subscribe(req, res));
    server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/events`;
  };
  afterEach(async () => {
    hub?.close();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  it("replays what a reconnecting client missed, from Last-Event-ID or ?since", async () => {
    await start({ replay: 100 });
    for (let i = 1; i <= 5; i++) hub.publish("order-published", { i });
    const live = read(url, 1);
    await new Promise((r) => setTimeout(r, 100));
    hub.publish("order-published", { i: 6 });
    const [sixth] = await live;
    expect(sixth.data).to.deep.equal({ i: 6 });
    const boot = sixth.id!.split("-")[0];

    const resumed = await read(url, 3, { "last-event-id": `${boot}-3` });
    expect(resumed.map((f) => (f.data as { i: number }).i)).to.deep.equal([4, 5, 6]);
    expect(resumed.map((f) => f.id)).to.deep.equal([`${boot}-4`, `${boot}-5`, `${boot}-6`]);
    const viaQuery = await read(`${url}?since=${boot}-5`, 1);
    expect(viaQuery.map((f) => (f.data as { i: number }).i)).to.deep.equal([6]);
    // Up to date: nothing to replay, no reset.
    expect(await read(url, 1, { "last-event-id": `${boot}-6` }, 300)).to.deep.equal([]);
  });

  it("sends `reset` when the events cannot be replayed: another run, too old, or garbage", async () => {
    await start({ replay: 2 });
    for (let i = 1; i <= 5; i++) hub.publish("order-published", { i });
    const [probe] = await read(`${url}?since=x`, 1);
    const boot = probe.id!.split("-")[0];
    for (const since of ["zzzz-3", `${boot}-1`, `${boot}-99`, "not an id"]) {
      const [first] = await read(url, 1, { "last-event-id": since });
      expect(first.event, since).to.equal("reset");
      expect(first.id, "a reset carries the current id to resume from").to.equal(`${boot}-5`);
    }
    // The last two are still there.
    const kept = await read(url, 2, { "last-event-id": `${boot}-3` });
    expect(kept.map((f) => (f.data as { i: number }).i)).to.deep.equal([4, 5]);
  });

  it("disconnects a client that does not read instead of buffering without bound", async () => {
    await start({ maxBacklogBytes: 64 * 1024 });
    const controller = new AbortController();
    const res = await fetch(url, { signal: controller.signal }); // never reads its body
    await new Promise((r) => setTimeout(r, 50));
    expect(hub.clients()).to.equal(1);
    const payload = "x".repeat(16 * 1024);
    for (let i = 0; i < 2000 && hub.clients() > 0; i++) {
      hub.publish("order-published", { payload });
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(hub.clients(), "the stalled client was cut off").to.equal(0);
    controller.abort();
    void res;
  });
});
