import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { UserError } from "../core/errors/index.js";
import { writeAtomic } from "../sdk/internal/files.js";

/** Settings of one chain in polis.json. */
export interface ChainConfig {
  rpc?: string;
  /** Expected chain id (checked against the node). */
  chainId?: string | number;
  deployments?: string;
  market?: string;
  sms?: string;
}

/** polis.json: the project configuration `polis init` writes. */
export interface ProjectConfig extends ChainConfig {
  /** Default chain name (a key of `chains`, or "local"). */
  chain?: string;
  chains?: Record<string, ChainConfig>;
  /** Keystore path, relative to the config file. */
  wallet?: string;
  /** Beneficiary result key path (PEM), relative to the config file. */
  resultKey?: string;
}

export const CONFIG_FILE = "polis.json";

/** Built-in chains usable without a config. */
export const BUILTIN_CHAINS: Record<string, ChainConfig> = {
  local: { rpc: "http://127.0.0.1:8545" },
  localhost: { rpc: "http://127.0.0.1:8545" },
};

export const DEFAULTS = {
  chain: "local",
  deployments: "deployments",
  market: "http://127.0.0.1:13400",
  sms: "http://127.0.0.1:13300",
  wallet: ".polis/wallet.json",
  resultKey: ".polis/result-key.pem",
};

/** Looks for polis.json in `cwd` and its parents. */
export function findConfig(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Reads and checks a polis.json.
 * @throws UserError when missing (if explicitly asked for) or malformed.
 */
export async function readConfig(path: string): Promise<ProjectConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new UserError(`No config file at ${path}.`, { hint: "Create one with `polis init`." });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new UserError(`${path} is not valid JSON.`, { cause });
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new UserError(`${path} must hold a JSON object.`);
  }
  const config = value as ProjectConfig;
  for (const key of ["chain", "rpc", "deployments", "market", "sms", "wallet", "resultKey"]) {
    const v = (config as Record<string, unknown>)[key];
    if (v !== undefined && typeof v !== "string") {
      throw new UserError(`${path}: "${key}" must be a string.`);
    }
  }
  return config;
}

export async function writeConfig(path: string, config: ProjectConfig): Promise<void> {
  await writeAtomic(path, JSON.stringify(config, null, 2) + "\n");
}

/** Resolves `p` against `base` unless absolute. */
export function resolveFrom(base: string, p: string): string {
  return isAbsolute(p) ? p : resolve(base, p);
}
