import { ServiceError } from "../core/errors/index.js";
import { RequestRejectedError } from "./errors/index.js";

export interface HttpOptions {
  /** Service name used in errors ("market", "SMS", "result store"). */
  service: string;
  /** Added to ServiceErrors: how to start or reach the service. */
  hint?: string;
  method?: "GET" | "POST" | "PUT" | "DELETE";
  /** JSON body; bigints are sent as decimal strings. */
  body?: unknown;
  /** Default 15 s. */
  timeoutMs?: number;
}

export interface FetchBytesOptions extends HttpOptions {
  maxBytes?: number;
  onProgress?: (received: number, total?: number) => void;
}

/** JSON.stringify with bigints as decimal strings. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
}

async function send(url: string, options: HttpOptions): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: options.method ?? (options.body === undefined ? "GET" : "POST"),
      headers: options.body === undefined ? {} : { "content-type": "application/json" },
      body: options.body === undefined ? undefined : toJsonText(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
  } catch (cause) {
    const origin = safeOrigin(url);
    throw new ServiceError(`Cannot reach the ${options.service} at ${origin}.`, {
      cause,
      details: describeCause(cause),
      hint: options.hint ?? `Check that the ${options.service} is running at ${origin}.`,
    });
  }
  if (response.status >= 400 && response.status < 500) {
    const { reason, code } = await readReason(response);
    throw new RequestRejectedError(options.service, response.status, reason, code);
  }
  if (!response.ok) {
    const { reason } = await readReason(response);
    throw new ServiceError(
      `The ${options.service} failed (${response.status}) at ${safeOrigin(url)}: ${reason}`,
      { hint: options.hint },
    );
  }
  return response;
}

/**
 * Sends a JSON request and returns the parsed JSON answer.
 * @throws ServiceError when unreachable or on 5xx; RequestRejectedError on 4xx.
 */
export async function fetchJson(url: string, options: HttpOptions): Promise<unknown> {
  const response = await send(url, options);
  const text = await response.text();
  try {
    return text === "" ? null : JSON.parse(text);
  } catch (cause) {
    throw new ServiceError(`The ${options.service} answered with invalid JSON.`, { cause });
  }
}

/**
 * Downloads bytes, with a size cap and progress callbacks.
 * @throws ServiceError when unreachable, on 5xx, or past `maxBytes`; RequestRejectedError on 4xx.
 */
export async function fetchBytes(url: string, options: FetchBytesOptions): Promise<Buffer> {
  const response = await send(url, { ...options, timeoutMs: options.timeoutMs ?? 60_000 });
  const total = Number(response.headers.get("content-length") ?? "") || undefined;
  const max = options.maxBytes ?? Number.MAX_SAFE_INTEGER;
  if (total !== undefined && total > max) {
    throw new ServiceError(`The ${options.service} offers ${total} bytes; the limit is ${max}.`);
  }
  const chunks: Buffer[] = [];
  let received = 0;
  if (!response.body) return Buffer.alloc(0);
  try {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      received += chunk.length;
      if (received > max) {
        throw new ServiceError(`The ${options.service} sent more than ${max} bytes.`);
      }
      chunks.push(Buffer.from(chunk));
      options.onProgress?.(received, total);
    }
  } catch (cause) {
    if (cause instanceof ServiceError) throw cause;
    throw new ServiceError(`The download from the ${options.service} was interrupted.`, {
      cause,
    });
  }
  return Buffer.concat(chunks);
}

async function readReason(response: Response): Promise<{ reason: string; code?: string }> {
  const text = await response.text().catch(() => "");
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const error = body.error;
    if (error && typeof error === "object") {
      const e = error as Record<string, unknown>;
      return {
        reason: String(e.message ?? e.name ?? text),
        code: typeof e.code === "string" ? e.code : typeof e.name === "string" ? e.name : undefined,
      };
    }
    if (typeof error === "string") return { reason: error, code: undefined };
    if (typeof body.message === "string") return { reason: body.message };
  } catch {
    // not JSON
  }
  return { reason: text.slice(0, 200) || response.statusText };
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = (cause as { cause?: { code?: string } }).cause;
    return inner?.code ? `${cause.message} (${inner.code})` : cause.message;
  }
  return String(cause);
}
