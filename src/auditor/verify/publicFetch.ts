import { BlockList, isIP } from "node:net";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request as httpRequest, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import { ServiceError } from "../../core/errors/index.js";

/**
 * Addresses a public service never has: loopback, private, link-local (cloud metadata),
 * carrier-grade NAT, benchmarking, multicast and reserved ranges, and their IPv6 counterparts.
 */
const NON_PUBLIC = (() => {
  const list = new BlockList();
  for (const [net, bits] of [
    ["0.0.0.0", 8],
    ["10.0.0.0", 8],
    ["100.64.0.0", 10],
    ["127.0.0.0", 8],
    ["169.254.0.0", 16],
    ["172.16.0.0", 12],
    ["192.0.0.0", 24],
    ["192.0.2.0", 24],
    ["192.168.0.0", 16],
    ["198.18.0.0", 15],
    ["198.51.100.0", 24],
    ["203.0.113.0", 24],
    ["224.0.0.0", 3],
  ] as const)
    list.addSubnet(net, bits, "ipv4");
  for (const [net, bits] of [
    ["::", 128],
    ["::1", 128],
    ["64:ff9b::", 96],
    ["100::", 64],
    ["2001:db8::", 32],
    ["fc00::", 7],
    ["fe80::", 10],
    ["ff00::", 8],
  ] as const)
    list.addSubnet(net, bits, "ipv6");
  return list;
})();

/** Whether `address` (an IP literal) is routable on the public internet. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  // IPv4-mapped IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it carries.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return !NON_PUBLIC.check(mapped[1], "ipv4");
  return !NON_PUBLIC.check(address, family === 4 ? "ipv4" : "ipv6");
}

export interface PublicFetchOptions {
  /** Service name used in errors. */
  service: string;
  timeoutMs?: number;
  /** Largest body accepted (default 1 MiB). */
  maxBytes?: number;
  /** Also reach loopback and private addresses (a dev stack on 127.0.0.1). Default false. */
  allowPrivate?: boolean;
}

/**
 * GETs JSON from a URL somebody else chose (a pool's result store named on-chain), as a service
 * that must not become a proxy into its own network: http(s) only, every address the name
 * resolves to is checked when the connection is made (no DNS-rebinding window), redirects are
 * refused, and the body is capped.
 * @throws ServiceError for a refused address, a redirect, a non-2xx answer, a body too large,
 * invalid JSON, a timeout or an unreachable host.
 */
export function fetchPublicJson(url: string, options: PublicFetchOptions): Promise<unknown> {
  const { service } = options;
  const max = options.maxBytes ?? 1024 * 1024;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.reject(new ServiceError(`The ${service} URL ${url} is not a URL.`));
  }
  if (target.protocol !== "http:" && target.protocol !== "https:")
    return Promise.reject(
      new ServiceError(`The ${service} URL must be http(s), not ${target.protocol}`),
    );
  const origin = target.origin;
  const refusal = (address: string) =>
    new ServiceError(
      `The ${service} at ${origin} resolves to ${address}, which is not a public address; not fetched.`,
      {
        hint: "Run the auditor with --allow-private-urls (AUDITOR_ALLOW_PRIVATE_URLS=1) on a dev stack.",
      },
    );
  const lookup: RequestOptions["lookup"] = (hostname, opts, callback) => {
    dnsLookup(hostname, { ...opts, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, "", 0);
      const bad = options.allowPrivate
        ? undefined
        : addresses.find((a) => !isPublicAddress(a.address));
      if (bad) return callback(refusal(bad.address), "", 0);
      if ((opts as { all?: boolean }).all)
        return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
  // An IP literal never goes through lookup: check it here.
  const literal = target.hostname.replace(/^\[|\]$/g, "");
  if (isIP(literal) && !options.allowPrivate && !isPublicAddress(literal))
    return Promise.reject(refusal(literal));

  return new Promise((resolve, reject) => {
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(
      target,
      {
        method: "GET",
        lookup,
        headers: { accept: "application/json" },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300) {
          res.resume();
          const what = status < 400 ? "redirected elsewhere (not followed)" : `answered ${status}`;
          return reject(new ServiceError(`The ${service} at ${origin} ${what}.`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > max) {
            req.destroy();
            reject(new ServiceError(`The ${service} at ${origin} sent more than ${max} bytes.`));
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
          } catch (cause) {
            reject(
              new ServiceError(`The ${service} at ${origin} answered with invalid JSON.`, {
                cause,
              }),
            );
          }
        });
        res.on("error", (cause) =>
          reject(new ServiceError(`The download from the ${service} was interrupted.`, { cause })),
        );
      },
    );
    // One deadline for the whole exchange: a store that drips its answer is cut off too.
    const timeoutMs = options.timeoutMs ?? 5_000;
    const timer = setTimeout(
      () =>
        req.destroy(
          new ServiceError(`The ${service} at ${origin} did not answer in ${timeoutMs} ms.`),
        ),
      timeoutMs,
    );
    req.on("close", () => clearTimeout(timer));
    req.on("error", (cause) =>
      reject(
        cause instanceof ServiceError
          ? cause
          : new ServiceError(`Cannot reach the ${service} at ${origin}.`, { cause }),
      ),
    );
    req.end();
  });
}
