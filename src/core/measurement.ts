import { readFile, readdir, lstat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { canonicalBytes } from "./canonical.js";
import { ARCHIVE_MAGIC, packArchive, type ArchiveEntry } from "./crypto/archive.js";
import { sha256 } from "./crypto/bytes.js";
import { UserError } from "./errors/index.js";

/** An app bundle or enclave config that cannot be measured. `reason` says which. */
export class AppBundleError extends UserError {
  override name = "AppBundleError";
  constructor(
    readonly reason: "BundleInvalid" | "ConfigInvalid",
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, {
      ...options,
      hint:
        reason === "ConfigInvalid"
          ? 'Expected {"entrypoint", "runtime": "node"|"wasi", "limits": {cpuMs, memoryMb, outputBytes, wallMs}, "debug"} and optionally "reuse": "deal".'
          : "Pass the app folder or a Polis archive (.polis).",
    });
  }
}

/** Resource limits the enclave enforces on an app; part of the measurement. */
export interface EnclaveLimits {
  /** CPU time (user + system), milliseconds. */
  cpuMs: number;
  /** Memory (resident set and JS heap), MiB. */
  memoryMb: number;
  /** Total bytes the app may write to its output folder. */
  outputBytes: number;
  /** Wall-clock timeout, milliseconds. */
  wallMs: number;
}

/** The enclave config (docs/PROTOCOLS.md §2): what the app developer signs up to, measured. */
export interface EnclaveConfig {
  /** Path of the entry file inside the bundle (`app.mjs`, `app.wasm`). */
  entrypoint: string;
  runtime: "node" | "wasi";
  limits: EnclaveLimits;
  /** A debug enclave: the SMS never releases secrets to it. */
  debug: boolean;
  /**
   * Absent: a fresh sandboxed process per task. `"deal"`: one warm sandboxed process runs the
   * tasks of one deal in turn (same app, requester, dataset and beneficiary), calling the entry's
   * default export per task; a node app's module state may outlive a task, a WASI app gets a
   * fresh instance per task. Measured, so dataset owners grant with it in view.
   */
  reuse?: "deal";
}

export const MEASUREMENT_MAGIC = Buffer.from("POLISMR1", "ascii");

const MAX_LIMITS: EnclaveLimits = {
  cpuMs: 3_600_000,
  memoryMb: 16_384,
  outputBytes: 1 << 30,
  wallMs: 36_000_000,
};

/** Name of the enclave config inside every app bundle (covered by the measurement). */
export const BUNDLE_CONFIG_FILE = "enclave.json";

/**
 * Checks an enclave config's shape and bounds.
 * @throws AppBundleError("ConfigInvalid")
 */
export function validateEnclaveConfig(value: unknown): EnclaveConfig {
  const fail = (why: string): never => {
    throw new AppBundleError("ConfigInvalid", `Invalid enclave config: ${why}.`);
  };
  if (typeof value !== "object" || value === null) fail("not an object");
  const c = value as Record<string, unknown>;
  const keys = Object.keys(c)
    .filter((k) => k !== "reuse")
    .sort()
    .join(",");
  if (keys !== "debug,entrypoint,limits,runtime") fail(`unexpected fields (${keys})`);
  if ("reuse" in c && c.reuse !== "deal") fail('reuse must be "deal" when present');
  if (typeof c.entrypoint !== "string" || !isSafeRelativePath(c.entrypoint)) fail("entrypoint");
  if (c.runtime !== "node" && c.runtime !== "wasi") fail("runtime must be node or wasi");
  if (typeof c.debug !== "boolean") fail("debug must be a boolean");
  const l = c.limits as Record<string, unknown> | null;
  if (typeof l !== "object" || l === null) fail("limits");
  if (Object.keys(l!).sort().join(",") !== "cpuMs,memoryMb,outputBytes,wallMs")
    fail("limits fields");
  for (const k of Object.keys(MAX_LIMITS) as (keyof EnclaveLimits)[]) {
    const v = l![k];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v <= 0 || v > MAX_LIMITS[k])
      fail(`limits.${k}`);
  }
  return value as EnclaveConfig;
}

/** sha256(canonical JSON of the config): the app's on-chain `enclaveConfigHash`. */
export function enclaveConfigHash(config: EnclaveConfig): string {
  return "0x" + sha256(canonicalBytes(config)).toString("hex");
}

/**
 * The measurement (mrenclave): sha256("POLISMR1" || sha256(bundle) || sha256(canonical config)).
 * @example const mr = measureApp(bundleBytes, config); // must equal the app's on-chain mrenclave
 */
export function measureApp(bundle: Uint8Array, config: EnclaveConfig): string {
  const digest = sha256(
    Buffer.concat([MEASUREMENT_MAGIC, sha256(bundle), sha256(canonicalBytes(config))]),
  );
  return "0x" + digest.toString("hex");
}

/**
 * Reads an app bundle as bytes: a bundle file (a Polis archive, `POLISAR1`) as is, or a folder
 * packed into the deterministic archive of docs/PROTOCOLS.md §4. Symlinks are refused.
 * @throws AppBundleError("BundleInvalid")
 */
export async function loadBundle(path: string): Promise<Buffer> {
  const info = await lstat(path).catch((cause) => {
    throw new AppBundleError("BundleInvalid", `App bundle not found: ${path}.`, { cause });
  });
  if (info.isFile()) {
    const bytes = await readFile(path);
    if (!bytes.subarray(0, 8).equals(ARCHIVE_MAGIC))
      throw new AppBundleError("BundleInvalid", "An app bundle file must be a Polis archive.");
    return bytes;
  }
  if (!info.isDirectory()) throw new AppBundleError("BundleInvalid", "Not a file or folder.");
  const entries: ArchiveEntry[] = [];
  await walk(path, path, entries);
  return packArchive(entries);
}

async function walk(root: string, dir: string, out: ArchiveEntry[]): Promise<void> {
  for (const name of await readdir(dir)) {
    const full = join(dir, name);
    const info = await lstat(full);
    if (info.isDirectory()) await walk(root, full, out);
    else if (info.isFile())
      out.push({ path: relative(root, full).split(sep).join("/"), data: await readFile(full) });
    else throw new AppBundleError("BundleInvalid", `Bundle entry is not a regular file: ${name}.`);
  }
}

/** A relative path with no `..`, no absolute root, no empty or dot segments. */
export function isSafeRelativePath(p: string): boolean {
  if (p.length === 0 || p.length > 1024 || p.startsWith("/") || p.includes("\\")) return false;
  if (p.includes("\0")) return false;
  return p.split("/").every((s) => s !== "" && s !== "." && s !== "..");
}
