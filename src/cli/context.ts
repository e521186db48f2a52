import { dirname } from "node:path";
import type { JsonRpcProvider, Wallet } from "ethers";
import { UserError } from "../core/errors/index.js";
import { createClient, withSigner } from "../sdk/client.js";
import type { PolisClient } from "../sdk/client.js";
import { connectRpc } from "../sdk/connect.js";
import { checkDeployment } from "../sdk/deploy/checkDeployment.js";
import { loadWallet, readWalletAddress } from "../sdk/actions/wallet/loadWallet.js";
import { createMarketClient } from "../sdk/market/client.js";
import type { MarketClient } from "../sdk/market/client.js";
import { createSmsClient } from "../sdk/sms/client.js";
import type { SmsClient } from "../sdk/sms/client.js";
import { BUILTIN_CHAINS, DEFAULTS, findConfig, readConfig, resolveFrom } from "./config.js";
import type { ChainConfig, ProjectConfig } from "./config.js";
import type { CliIo } from "./io.js";
import { Output } from "./output.js";
import { confirm, promptPassword } from "./prompt.js";

/** The global flags every command accepts. */
export interface GlobalOptions {
  chain?: string;
  rpc?: string;
  json?: boolean;
  yes?: boolean;
  verbose?: boolean;
  config?: string;
  password?: string;
  deployments?: string;
  wallet?: string;
  market?: string | boolean;
  sms?: string;
}

/** Where everything is, once flags, environment and polis.json are merged. */
export interface ResolvedSettings {
  configPath?: string;
  /** Folder relative paths of the config resolve against (the config's, or the cwd). */
  baseDir: string;
  chain: string;
  expectedChainId?: bigint;
  rpc: string;
  deploymentsDir: string;
  market: string;
  sms: string;
  wallet: string;
  resultKey: string;
}

/** Hints naming how to start each service; kept in one place for when their entry points land. */
export const SERVICE_HINTS = {
  market: (url: string) =>
    `Is the market running at ${url}? Start it (src/market, default 127.0.0.1:13400) or pass --market <url>.`,
  sms: (url: string) =>
    `Is the SMS running at ${url}? Start it (sms/, default 127.0.0.1:13300) or pass --sms <url>.`,
};

/**
 * Per-invocation state of the CLI: merged settings, and lazily the chain client, the wallet and
 * the service clients. Precedence: flags > environment (POLIS_*) > polis.json > defaults.
 */
export class CliContext {
  readonly out: Output;
  /** Exit code to end with when a command reports a failure itself (see {@link fail}). */
  exitCode = 0;
  private settingsCache?: ResolvedSettings;
  private configCache?: ProjectConfig;
  private provider?: JsonRpcProvider;
  private readClient?: PolisClient;
  private walletCache?: Wallet;

  constructor(
    readonly io: CliIo,
    readonly opts: GlobalOptions,
  ) {
    this.out = new Output(io, opts.json === true, opts.verbose === true);
  }

  /** polis.json contents (empty when there is none). */
  async config(): Promise<ProjectConfig> {
    await this.settings();
    return this.configCache ?? {};
  }

  async settings(): Promise<ResolvedSettings> {
    if (this.settingsCache) return this.settingsCache;
    const env = this.io.env;
    const explicit = this.opts.config ?? env.POLIS_CONFIG;
    const configPath = explicit ? resolveFrom(this.io.cwd, explicit) : findConfig(this.io.cwd);
    const config = configPath ? await readConfig(configPath) : {};
    this.configCache = config;
    const baseDir = configPath ? dirname(configPath) : this.io.cwd;
    const chain = this.opts.chain ?? env.POLIS_CHAIN ?? config.chain ?? DEFAULTS.chain;
    const entry: ChainConfig = config.chains?.[chain] ?? {};
    const builtin: ChainConfig = BUILTIN_CHAINS[chain] ?? {};
    const known =
      config.chains?.[chain] !== undefined ||
      BUILTIN_CHAINS[chain] !== undefined ||
      /^[0-9]+$/.test(chain) ||
      config.chain === chain ||
      (this.opts.rpc ?? env.POLIS_RPC) !== undefined;
    if (!known) {
      throw new UserError(`Unknown chain "${chain}".`, {
        hint: `Define it under "chains" in polis.json, or pass --rpc <url>.`,
      });
    }
    const fromConfig = (v: string | undefined) => (v ? resolveFrom(baseDir, v) : undefined);
    const fromCwd = (v: string | undefined) => (v ? resolveFrom(this.io.cwd, v) : undefined);
    const sameChain = config.chain === undefined || config.chain === chain;
    const chainIdText = entry.chainId ?? (/^[0-9]+$/.test(chain) ? chain : undefined);
    this.settingsCache = {
      configPath,
      baseDir,
      chain,
      expectedChainId: chainIdText === undefined ? undefined : BigInt(chainIdText),
      rpc:
        this.opts.rpc ??
        env.POLIS_RPC ??
        entry.rpc ??
        (sameChain ? config.rpc : undefined) ??
        builtin.rpc ??
        BUILTIN_CHAINS.local.rpc!,
      deploymentsDir:
        fromCwd(this.opts.deployments ?? env.POLIS_DEPLOYMENTS) ??
        fromConfig(entry.deployments ?? (sameChain ? config.deployments : undefined)) ??
        resolveFrom(baseDir, DEFAULTS.deployments),
      market:
        // `verify task --no-market` sets a boolean under the same key as the global --market.
        (typeof this.opts.market === "string" ? this.opts.market : undefined) ??
        env.POLIS_MARKET ??
        entry.market ??
        (sameChain ? config.market : undefined) ??
        DEFAULTS.market,
      sms:
        this.opts.sms ??
        env.POLIS_SMS ??
        entry.sms ??
        (sameChain ? config.sms : undefined) ??
        DEFAULTS.sms,
      wallet:
        fromCwd(this.opts.wallet ?? env.POLIS_WALLET) ??
        resolveFrom(baseDir, config.wallet ?? DEFAULTS.wallet),
      resultKey: resolveFrom(baseDir, config.resultKey ?? DEFAULTS.resultKey),
    };
    return this.settingsCache;
  }

  /** A read-only client of the selected chain and deployment. */
  async client(): Promise<PolisClient> {
    if (this.readClient) return this.readClient;
    const s = await this.settings();
    this.out.debug(`chain ${s.chain} at ${s.rpc}, deployments in ${s.deploymentsDir}`);
    this.provider = await connectRpc({ url: s.rpc, expectedChainId: s.expectedChainId });
    this.readClient = await createClient({
      provider: this.provider,
      deploymentsDir: s.deploymentsDir,
    });
    await checkDeployment(this.readClient);
    return this.readClient;
  }

  /** A client that signs with the unlocked wallet. */
  async signerClient(): Promise<PolisClient> {
    const client = await this.client();
    const wallet = await this.wallet();
    return withSigner(client, wallet.connect(client.provider));
  }

  /** The wallet's address, read from the keystore without the password. */
  async walletAddress(): Promise<string> {
    return readWalletAddress((await this.settings()).wallet);
  }

  /** The unlocked wallet (asks for the password on a TTY). */
  async wallet(): Promise<Wallet> {
    if (this.walletCache) return this.walletCache;
    const path = (await this.settings()).wallet;
    await readWalletAddress(path); // fails early and clearly when there is no wallet
    const password = await this.password("Wallet password");
    this.walletCache = await loadWallet({ path, password });
    return this.walletCache;
  }

  /** A password for a new keystore; a TTY prompt asks twice. Never printed. */
  async newPassword(): Promise<string> {
    const given = this.opts.password ?? this.io.env.POLIS_PASSWORD;
    if (given !== undefined) return given;
    const first = await promptPassword(this.io, "New wallet password");
    const second = await promptPassword(this.io, "Repeat the password");
    if (first !== second) throw new UserError("The two passwords differ; nothing was written.");
    return first;
  }

  /** --password, POLIS_PASSWORD, or a prompt on a TTY. Never printed. */
  async password(label: string): Promise<string> {
    return this.opts.password ?? this.io.env.POLIS_PASSWORD ?? promptPassword(this.io, label);
  }

  async market(): Promise<MarketClient> {
    const url = (await this.settings()).market;
    return createMarketClient({ url, hint: SERVICE_HINTS.market(url) });
  }

  async sms(): Promise<SmsClient> {
    const url = (await this.settings()).sms;
    const client = await this.client();
    return createSmsClient({ url, chainId: client.chainId, hint: SERVICE_HINTS.sms(url) });
  }

  /** Asks for confirmation unless --yes. */
  async confirm(question: string): Promise<void> {
    await confirm(this.io, question, this.opts.yes === true);
  }

  /**
   * Ends the command with an exit code after its result was printed (e.g. a failed
   * verification): one line on stderr, no second JSON document on stdout.
   */
  fail(code: number, message: string): void {
    this.out.stderr(`error: ${message}\n`);
    this.exitCode = code;
  }

  /** Releases the provider (its polling timers). */
  close(): void {
    this.provider?.destroy();
  }
}
