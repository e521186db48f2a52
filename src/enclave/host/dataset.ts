import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { EnclaveError } from "../errors.js";

const DEFAULT_MAX_BYTES = 1 << 30;

/**
 * Fetches an encrypted dataset from an http(s) URL, a file: URL or a local path, up to `maxBytes`.
 * @throws EnclaveError("DatasetUnavailable")
 */
export async function fetchDataset(
  location: string,
  maxBytes = DEFAULT_MAX_BYTES,
): Promise<Buffer> {
  try {
    if (/^https?:\/\//i.test(location)) {
      const response = await fetch(location, { signal: AbortSignal.timeout(120_000) });
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      const declared = Number(response.headers.get("content-length") ?? 0);
      if (declared > maxBytes) throw new Error("dataset larger than the limit");
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        total += chunk.length;
        if (total > maxBytes) throw new Error("dataset larger than the limit");
        chunks.push(Buffer.from(chunk));
      }
      return Buffer.concat(chunks);
    }
    const path = location.startsWith("file:") ? fileURLToPath(location) : location;
    const bytes = await readFile(path);
    if (bytes.length > maxBytes) throw new Error("dataset larger than the limit");
    return bytes;
  } catch (cause) {
    throw new EnclaveError("DatasetUnavailable", `Cannot fetch the dataset from ${location}.`, {
      cause,
    });
  }
}
