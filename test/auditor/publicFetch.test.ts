import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fetchPublicJson, isPublicAddress } from "../../src/auditor/verify/publicFetch.js";
import { ServiceError } from "../../src/core/errors/index.js";

describe("auditor: fetching URLs a pool chose", function () {
  let server: Server;
  let port: number;
  let hits = 0;

  before(async () => {
    server = createServer((req, res) => {
      hits++;
      if (req.url === "/redirect") {
        res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" });
        return void res.end();
      }
      if (req.url === "/huge") {
        res.writeHead(200, { "content-type": "application/json" });
        return void res.end(`"${"x".repeat(100_000)}"`);
      }
      if (req.url === "/garbage") return void res.end("not json");
      if (req.url === "/drip") {
        res.writeHead(200, { "content-type": "application/json" });
        res.write('"');
        const t = setInterval(() => res.write("x"), 50);
        return void res.on("close", () => clearInterval(t));
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => server?.close());

  const refused = async (p: Promise<unknown>, pattern: RegExp) => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err, "the fetch should fail").to.be.instanceOf(ServiceError);
    expect((err as ServiceError).shortMessage).to.match(pattern);
  };

  it("tells public addresses from loopback, private, link-local and reserved ones", () => {
    for (const a of ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
      expect(isPublicAddress(a), a).to.equal(true);
    for (const a of [
      "127.0.0.1",
      "10.1.2.3",
      "172.20.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "224.0.0.1",
      "::1",
      "::",
      "fe80::1",
      "fd00::1",
      "::ffff:127.0.0.1",
      "::ffff:169.254.169.254",
      "not-an-ip",
    ])
      expect(isPublicAddress(a), a).to.equal(false);
  });

  it("refuses loopback by IP literal and by a name that resolves to it, before connecting", async () => {
    const before = hits;
    await refused(
      fetchPublicJson(`http://127.0.0.1:${port}/ok`, { service: "result store" }),
      /127\.0\.0\.1, which is not a public address/,
    );
    await refused(
      fetchPublicJson(`http://localhost:${port}/ok`, { service: "result store" }),
      /resolves to (127\.0\.0\.1|::1), which is not a public address/,
    );
    await refused(
      fetchPublicJson(`http://[::ffff:127.0.0.1]:${port}/ok`, { service: "result store" }),
      /not a public address/,
    );
    expect(hits, "no request reached the private service").to.equal(before);
  });

  it("refuses other schemes", async () => {
    await refused(fetchPublicJson("file:///etc/passwd", { service: "result store" }), /http\(s\)/);
    await refused(fetchPublicJson("not a url", { service: "result store" }), /not a URL/);
  });

  it("with allowPrivate (dev stacks) fetches, but never follows a redirect and caps the body", async () => {
    const opts = { service: "result store", allowPrivate: true, maxBytes: 10_000 };
    expect(await fetchPublicJson(`http://localhost:${port}/ok`, opts)).to.deep.equal({ ok: true });
    await refused(fetchPublicJson(`http://127.0.0.1:${port}/redirect`, opts), /redirected/);
    await refused(fetchPublicJson(`http://127.0.0.1:${port}/huge`, opts), /more than 10000 bytes/);
    await refused(fetchPublicJson(`http://127.0.0.1:${port}/garbage`, opts), /invalid JSON/);
    await refused(
      fetchPublicJson(`http://127.0.0.1:${port}/drip`, { ...opts, timeoutMs: 300 }),
      /did not answer in 300 ms/,
    );
  });
});
