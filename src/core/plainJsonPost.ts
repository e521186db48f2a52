import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * The hot POST routes of the services (the market's publish, the SMS's key release) are answered
 * by a plain request listener beside express: no router, body-parser or res.json, which together
 * cost a sixth of such a request's CPU. These helpers keep that path byte-compatible with
 * express.json(): a request they do not cover exactly goes to express instead.
 */

const JSON_TYPES = new Set(["application/json", "application/json;charset=utf-8"]);
/** What body-parser's strict mode accepts as the first non-blank character. */
const STRICT_START = /^[\x20\x09\x0a\x0d]*[{[]/;

/**
 * Whether `req` is `POST <path>` with a plain JSON body of 1..maxBodyBytes bytes: UTF-8 JSON
 * content type, a Content-Length, no content or transfer encoding.
 */
export function isPlainJsonPost(req: IncomingMessage, path: string, maxBodyBytes: number): boolean {
  if (req.method !== "POST" || req.url !== path) return false;
  const h = req.headers;
  const type = h["content-type"]?.toLowerCase().replace(/ /g, "");
  if (type === undefined || !JSON_TYPES.has(type)) return false;
  if (h["content-encoding"] !== undefined && h["content-encoding"] !== "identity") return false;
  if (h["transfer-encoding"] !== undefined) return false;
  const length = Number(h["content-length"]);
  return Number.isSafeInteger(length) && length > 0 && length <= maxBodyBytes;
}

/** The body as text; undefined when the client goes away first (there is nobody to answer). */
export function readBodyText(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("error", () => resolve(undefined));
    req.on("aborted", () => resolve(undefined));
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () =>
      resolve((chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString("utf8")),
    );
  });
}

/**
 * Parses a body as body-parser's strict JSON does: a leading BOM is dropped, and only an object or
 * an array is JSON. @throws a SyntaxError marked `type: "entity.parse.failed"`, as body-parser's.
 */
export function parseStrictJson(text: string): unknown {
  const json = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    if (!STRICT_START.test(json)) throw new SyntaxError("not a JSON object or array");
    return JSON.parse(json);
  } catch (err) {
    throw Object.assign(err as Error, { type: "entity.parse.failed" });
  }
}

/** Answers `body` as JSON, with the headers express's res.json would set. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(json),
  });
  res.end(json);
}
