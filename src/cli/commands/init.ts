import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import type { Command } from "commander";
import { UserError } from "../../core/errors/index.js";
import { createWallet } from "../../sdk/actions/wallet/createWallet.js";
import { readWalletAddress } from "../../sdk/actions/wallet/loadWallet.js";
import { connectRpc } from "../../sdk/connect.js";
import { loadDeployment } from "../../sdk/deploy/deployment.js";
import { examples, handler } from "../command.js";
import { CONFIG_FILE, DEFAULTS, resolveFrom, writeConfig } from "../config.js";
import type { ProjectConfig } from "../config.js";
import type { CliIo } from "../io.js";
import { keyValues } from "../output.js";
import { scryptCost } from "../scrypt.js";

interface InitOptions {
  force?: boolean;
  skipWallet?: boolean;
}

/** Registers `polis init` on its parent command. */
export function registerInit(program: Command, io: CliIo): void {
  const cmd = program
    .command("init")
    .description("write a polis.json project config and create an encrypted keystore wallet")
    .option("--force", "overwrite an existing polis.json")
    .option("--skip-wallet", "do not create a wallet")
    .action(
      handler(io, async (ctx, opts: InitOptions) => {
        const path = join(io.cwd, CONFIG_FILE);
        if (existsSync(path) && !opts.force) {
          throw new UserError(`${path} already exists.`, { hint: "Pass --force to rewrite it." });
        }
        const g = ctx.opts;
        const env = io.env;
        const chain = g.chain ?? env.POLIS_CHAIN ?? DEFAULTS.chain;
        // Flags, else the environment (what `polis up` prints), else the defaults.
        const deployments = g.deployments ?? env.POLIS_DEPLOYMENTS;
        const config: ProjectConfig = {
          chain,
          rpc: g.rpc ?? env.POLIS_RPC ?? "http://127.0.0.1:8545",
          deployments: deployments ? rel(io.cwd, deployments) : DEFAULTS.deployments,
          market: typeof g.market === "string" ? g.market : (env.POLIS_MARKET ?? DEFAULTS.market),
          sms: g.sms ?? env.POLIS_SMS ?? DEFAULTS.sms,
          wallet: g.wallet ? rel(io.cwd, g.wallet) : DEFAULTS.wallet,
          resultKey: DEFAULTS.resultKey,
        };
        await writeConfig(path, config);
        const walletPath = resolveFrom(io.cwd, config.wallet!);
        let wallet: { address: string; path: string; created: boolean } | undefined;
        if (!opts.skipWallet) {
          if (existsSync(walletPath)) {
            wallet = {
              address: await readWalletAddress(walletPath),
              path: walletPath,
              created: false,
            };
          } else {
            const password = await ctx.newPassword();
            const made = await createWallet({
              path: walletPath,
              password,
              scryptN: scryptCost(io),
            });
            wallet = { ...made, created: true };
          }
        }
        const chainState = await probeChain(config.rpc!, resolveFrom(io.cwd, config.deployments!));
        ctx.out.result(
          {
            config: path,
            ...config,
            walletAddress: wallet?.address,
            walletCreated: wallet?.created,
            chainState,
          },
          () => [
            `Wrote ${path}`,
            ...keyValues([
              ["chain", `${config.chain} (${config.rpc})`],
              ["deployments", config.deployments],
              ["market", config.market],
              ["sms", config.sms],
              [
                "wallet",
                wallet
                  ? `${wallet.address} (${wallet.created ? "new" : "existing"}, ${relative(io.cwd, wallet.path)})`
                  : "none",
              ],
              ["status", chainState],
            ]),
            "",
            "Next: `polis faucet` (dev chain), then `polis account deposit <amount>`.",
          ],
        );
      }),
    );
  examples(cmd, [
    "POLIS_PASSWORD=... polis init",
    "polis init --rpc http://127.0.0.1:8545 --deployments ./deployments",
  ]);
}

function rel(cwd: string, p: string): string {
  return relative(cwd, resolveFrom(cwd, p)) || ".";
}

/** One line about the chain: reachable, deployment found. Never fails. */
async function probeChain(rpc: string, deploymentsDir: string): Promise<string> {
  try {
    const provider = await connectRpc({ url: rpc, timeoutMs: 1500 });
    const { chainId } = await provider.getNetwork();
    provider.destroy();
    try {
      await loadDeployment(chainId, deploymentsDir);
      return `chain ${chainId} reachable, Polis deployment found`;
    } catch {
      return `chain ${chainId} reachable, no deployment in ${deploymentsDir}`;
    }
  } catch {
    return `chain not reachable at ${rpc} (start one, e.g. \`npx anvil\`)`;
  }
}
