/**
 * Canonical JSON: keys sorted recursively, no whitespace, UTF-8. Used wherever bytes are hashed or
 * signed (quotes, receipts, SMS requests), so every party derives the same bytes. bigints are
 * written as decimal strings; undefined object fields are dropped.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalize(value));
}

/** UTF-8 bytes of canonicalJson(value). */
export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}

function normalize(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(normalize);
  if (value instanceof Uint8Array)
    throw new TypeError("canonicalJson: encode bytes as hex or base64 first");
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = normalize(v);
    }
    return out;
  }
  return value;
}
