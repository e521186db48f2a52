import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { hexlify, randomBytes, verifyTypedData } from "ethers";
import type { TypedDataDomain } from "ethers";
import { sha256Hex } from "../../../src/core/crypto/index.js";
import {
  SECRET_PUSH_TYPES,
  isTagSubset,
  orderFromJson,
  orderHash,
  orderKindFromName,
  orderToJson,
  smsDomain,
} from "../../../src/core/index.js";
import type { AnyOrder, OrderKind, RequestOrder } from "../../../src/core/index.js";

/**
 * Stand-ins for the market (src/market) and the SMS (sms/) that speak exactly the REST shapes
 * the SDK clients are written against, until the real services are merged. They validate what
 * a client must get right (order encoding and hashes, SecretPush signatures) and record it.
 */
interface StubServer {
  url: string;
  close(): Promise<void>;
}

async function serve(
  handler: (req: IncomingMessage, body: any, res: ServerResponse) => void,
): Promise<StubServer> {
  const server: Server = createServer((req, res) => {
    let text = "";
    req.on("data", (d: Buffer) => (text += d.toString()));
    req.on("end", () => {
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        return send(res, 400, { error: { message: "malformed JSON" } });
      }
      try {
        handler(req, body, res);
      } catch (error) {
        send(res, 400, { error: { message: (error as Error).message } });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(body));
}

interface Entry {
  kind: OrderKind;
  kindName: string;
  orderHash: string;
  order: AnyOrder;
  publishedAt: string;
}

export interface StubMarket extends StubServer {
  entries: Entry[];
  queries: URLSearchParams[];
}

export async function startStubMarket(hubDomain: TypedDataDomain): Promise<StubMarket> {
  const entries: Entry[] = [];
  const queries: URLSearchParams[] = [];
  const view = (e: Entry) => ({
    kind: e.kindName,
    orderHash: e.orderHash,
    order: orderToJson(e.kind, e.order as never),
    remaining: e.order.volume.toString(),
    publishedAt: e.publishedAt,
    signer: "",
  });
  const price = (e: Entry) => (e.order as { price: bigint }).price;
  const server = await serve((req, body, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (req.method === "POST" && url.pathname === "/v1/orders") {
      const kind = orderKindFromName(body.kind);
      const order = orderFromJson(kind, body.order);
      const hash = orderHash(hubDomain, kind, order);
      entries.push({
        kind,
        kindName: body.kind,
        orderHash: hash,
        order,
        publishedAt: new Date().toISOString(),
      });
      return send(res, 201, { orderHash: hash });
    }
    const byHash = /^\/v1\/orders\/hash\/(0x[0-9a-f]{64})$/.exec(url.pathname);
    if (req.method === "GET" && byHash) {
      const e = entries.find((x) => x.orderHash === byHash[1]);
      return e ? send(res, 200, view(e)) : send(res, 404, { error: { message: "unknown order" } });
    }
    const list = /^\/v1\/orders\/(app|dataset|workerpool|request)$/.exec(url.pathname);
    if (req.method === "GET" && list) {
      queries.push(url.searchParams);
      const subject = url.searchParams.get(list[1]);
      const found = entries.filter(
        (e) =>
          e.kindName === list[1] &&
          (!subject ||
            (e.order as unknown as Record<string, string>)[list[1]].toLowerCase() ===
              subject.toLowerCase()),
      );
      return send(res, 200, {
        orders: found.map(view),
        page: Number(url.searchParams.get("page") ?? 1),
        total: found.length,
      });
    }
    if (req.method === "POST" && url.pathname === "/v1/match/best") {
      const r = orderFromJson(3 as OrderKind, body.requestOrder) as RequestOrder;
      const cheapest = (kindName: string, ok: (o: any) => boolean) =>
        entries
          .filter((e) => e.kindName === kindName && ok(e.order))
          .sort((a, b) => (price(a) < price(b) ? -1 : 1))[0];
      const app = cheapest("app", (o) => o.app === r.app);
      const dataset = cheapest("dataset", (o) => o.dataset === r.dataset);
      const pool = cheapest(
        "workerpool",
        (o) => isTagSubset(r.tag, o.tag) && o.category === r.category,
      );
      if (
        !app ||
        !pool ||
        (r.dataset !== "0x0000000000000000000000000000000000000000" && !dataset)
      ) {
        return send(res, 404, { error: { message: "no compatible orders" } });
      }
      return send(res, 200, {
        appOrder: view(app),
        datasetOrder: dataset && view(dataset),
        workerpoolOrder: view(pool),
      });
    }
    send(res, 404, { error: { message: "not found" } });
  });
  return { ...server, entries, queries };
}

export interface Push {
  kind: string;
  target: string;
  name: string;
  signer: string;
  valueHash: string;
}

export interface StubSms extends StubServer {
  pushes: Push[];
  /** Addresses whose pushes are refused with 403 (stand-in for "not the owner"). */
  refuse: Set<string>;
}

export async function startStubSms(chainId: bigint): Promise<StubSms> {
  const challenges = new Map<
    string,
    { kind: string; target: string; name: string; nonce: string; expiresAt: number }
  >();
  const pushes: Push[] = [];
  const refuse = new Set<string>();
  const server = await serve((req, body, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (req.method === "POST" && url.pathname === "/v1/challenges") {
      const id = hexlify(randomBytes(8));
      const c = {
        kind: body.kind,
        target: body.target,
        name: body.name ?? "",
        nonce: hexlify(randomBytes(32)),
        expiresAt: Math.floor(Date.now() / 1000) + 60,
      };
      challenges.set(id, c);
      return send(res, 201, { challengeId: id, nonce: c.nonce, expiresAt: c.expiresAt });
    }
    const put = /^\/v1\/secrets\/([a-z-]+)\/(0x[0-9a-fA-F]{40})(?:\/(.+))?$/.exec(url.pathname);
    if (req.method === "PUT" && put) {
      const c = challenges.get(body.challengeId);
      challenges.delete(body.challengeId); // single use
      if (!c) return send(res, 409, { error: { message: "unknown or used challenge" } });
      const value = Buffer.from(body.value, "base64");
      const message = {
        kind: put[1],
        target: put[2],
        name: put[3] ? decodeURIComponent(put[3]) : "",
        valueHash: sha256Hex(value),
        nonce: c.nonce,
        expiresAt: c.expiresAt,
      };
      if (
        message.kind !== c.kind ||
        message.target.toLowerCase() !== String(c.target).toLowerCase() ||
        message.name !== c.name
      ) {
        return send(res, 400, { error: { message: "challenge does not match" } });
      }
      const signer = verifyTypedData(
        smsDomain(chainId),
        SECRET_PUSH_TYPES,
        message,
        body.signature,
      );
      if (refuse.has(signer))
        return send(res, 403, { error: { message: "not the owner", code: "NotOwner" } });
      pushes.push({
        kind: message.kind,
        target: message.target,
        name: message.name,
        signer,
        valueHash: message.valueHash,
      });
      return send(res, 204, "");
    }
    send(res, 404, { error: { message: "not found" } });
  });
  return { ...server, pushes, refuse };
}
