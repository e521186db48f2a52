import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../../core/errors/index.js";
import { sha256Hex } from "../../core/crypto/bytes.js";
import { unpackArchive } from "../../core/crypto/archive.js";
import {
  BUNDLE_CONFIG_FILE,
  loadBundle,
  validateEnclaveConfig,
  type EnclaveConfig,
} from "../../core/measurement.js";
import type { PolisClient } from "../../sdk/client.js";
import { getApp } from "../../sdk/actions/assets/getApp.js";

/** An app ready to run: its verified bundle archive on disk and the enclave config it carries. */
export interface ResolvedApp {
  bundlePath: string;
  config: EnclaveConfig;
}

export { BUNDLE_CONFIG_FILE };

const MAX_BUNDLE_BYTES = 256 * 1024 * 1024;

/**
 * Fetches app bundles from their on-chain URI (http(s), file: URL or path), checks them against
 * the on-chain checksum and caches them by checksum, so a bundle is downloaded once per worker.
 */
export class AppBundles {
  readonly #pending = new Map<string, Promise<ResolvedApp>>();

  constructor(
    private readonly client: PolisClient,
    private readonly cacheDir: string,
  ) {}

  resolve(app: string): Promise<ResolvedApp> {
    const key = app.toLowerCase();
    let p = this.#pending.get(key);
    if (!p) {
      p = this.#resolve(app);
      this.#pending.set(key, p);
      p.catch(() => this.#pending.delete(key));
    }
    return p;
  }

  async #resolve(app: string): Promise<ResolvedApp> {
    const { checksum } = await this.client.appRegistry.appRecord(app);
    if (/^0x0{64}$/.test(checksum)) throw new UserError(`App ${app} is not registered.`);
    const path = join(this.cacheDir, `${checksum.slice(2)}.polis`);
    let bytes: Buffer;
    if (existsSync(path)) {
      bytes = await readFile(path);
    } else {
      const { uri } = await getApp(this.client, { app });
      bytes = await fetchBundle(uri);
      if (sha256Hex(bytes) !== checksum.toLowerCase()) {
        throw new UserError(`The bundle at ${uri} does not match app ${app}'s on-chain checksum.`);
      }
      await mkdir(this.cacheDir, { recursive: true });
      await writeFile(`${path}.tmp`, bytes);
      await rename(`${path}.tmp`, path);
    }
    const entry = unpackArchive(bytes).find((e) => e.path === BUNDLE_CONFIG_FILE);
    if (!entry) throw new UserError(`App ${app}'s bundle has no ${BUNDLE_CONFIG_FILE}.`);
    return {
      bundlePath: path,
      config: validateEnclaveConfig(JSON.parse(Buffer.from(entry.data).toString("utf8"))),
    };
  }
}

async function fetchBundle(uri: string): Promise<Buffer> {
  if (/^https?:\/\//i.test(uri)) {
    const res = await fetch(uri, { signal: AbortSignal.timeout(120_000) });
    if (!res.ok)
      throw new UserError(`Cannot download the app bundle from ${uri} (HTTP ${res.status}).`);
    const bytes = Buffer.from(await res.arrayBuffer());
    if (bytes.length > MAX_BUNDLE_BYTES)
      throw new UserError("The app bundle is larger than 256 MiB.");
    return bytes;
  }
  // file://relative/or/absolute, file:/abs, or a plain path; folders are packed like the CLI does.
  return loadBundle(uri.replace(/^file:(\/\/)?/i, ""));
}
