import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Wallet } from "ethers";
import { createClient } from "../../../src/sdk/client.js";
import type { PolisClient } from "../../../src/sdk/client.js";
import { deployPolis } from "../../../src/sdk/deploy/deployPolis.js";
import { saveDeployment } from "../../../src/sdk/deploy/deployment.js";
import type { Deployment } from "../../../src/sdk/deploy/deployment.js";
import { startAnvil } from "./anvil.js";
import type { Anvil } from "./anvil.js";

const ROOT = process.cwd();
const CLI = join(ROOT, "bin", "polis.mjs");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (undefined when it is not JSON). */
  json: any;
}

/** A real chain with Polis deployed, a temp project dir, and a way to run the CLI in it. */
export interface PolisEnv {
  anvil: Anvil;
  deployment: Deployment;
  /** SDK client acting as the deployer (anvil key 0). */
  client: PolisClient;
  /** The attestation verifier key registered at deployment (the SMS's). */
  verifier: Wallet;
  dir: string;
  deploymentsDir: string;
  /** Runs `node bin/polis.mjs ...args` in `dir` (or opts.cwd) with the chain flags. */
  polis(
    args: string[],
    opts?: { env?: Record<string, string>; cwd?: string; input?: string },
  ): Promise<CliResult>;
  stop(): Promise<void>;
}

/** Starts anvil, deploys Polis with deployPolis, writes deployments/<chainId>.json to a temp dir. */
export async function startPolisEnv(): Promise<PolisEnv> {
  const anvil = await startAnvil();
  const verifier = new Wallet(Wallet.createRandom().privateKey);
  const deployer = anvil.signer(0);
  const { deployment } = await deployPolis(deployer, {
    faucetLimit: 10n ** 24n,
    attestationVerifiers: [verifier.address],
  });
  const dir = await mkdtemp(join(tmpdir(), "polis-cli-"));
  const deploymentsDir = join(dir, "deployments");
  await saveDeployment(deployment, deploymentsDir);
  const client = await createClient({ provider: anvil.provider, deployment, signer: deployer });
  return {
    anvil,
    deployment,
    client,
    verifier,
    dir,
    deploymentsDir,
    polis: (args, opts = {}) =>
      runCli(["--rpc", anvil.url, "--deployments", deploymentsDir, ...args], {
        cwd: opts.cwd ?? dir,
        env: opts.env,
        input: opts.input,
      }),
    async stop() {
      await anvil.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs the CLI as a child process on Node 22 (node_modules/.bin first on PATH, as `npx polis`
 * does). Cheap keystores (POLIS_SCRYPT_N) keep the suite fast.
 */
export function runCli(
  args: string[],
  opts: { cwd: string; env?: Record<string, string>; input?: string },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("node", [CLI, ...args], {
      cwd: opts.cwd,
      env: {
        PATH: `${join(ROOT, "node_modules", ".bin")}:${process.env.PATH}`,
        HOME: opts.cwd,
        POLIS_SCRYPT_N: "1024",
        ...opts.env,
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ code: code ?? -1, stdout, stderr, json });
    });
    child.stdin.end(opts.input ?? "");
  });
}
