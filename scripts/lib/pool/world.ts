import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NonceManager, Wallet, ZeroAddress } from "ethers";
import type { Logger } from "pino";
import { generateX25519KeyPair } from "../../../src/core/crypto/index.js";
import { createAuthority, issueCrl } from "../../../src/enclave/attestation/authority.js";
import { AUTHORITY_FILES, saveAuthority, saveCrl } from "../../../src/enclave/attestation/files.js";
import { initPool } from "../../../src/pool/init.js";
import { launchPool, type LaunchOptions, type RunningPool } from "../../../src/pool/launcher.js";
import { createClient, type PolisClient } from "../../../src/sdk/client.js";
import { createSmsClient } from "../../../src/sdk/sms/client.js";
import { startAnvil, type AnvilChain } from "../anvil.js";
import { POOL_APP_CONFIG, POOL_WARM_APP_CONFIG, writePoolApp } from "./app.js";
import { createDeals, type PoolDeals } from "./deals.js";
import { startPoolSms, type PoolSms } from "./sms.js";

const ONE = 10n ** 18n;

export interface PoolWorldOptions {
  /** Workers in the pool config (default 2). */
  workers?: number;
  /** Enrol every worker's enclave host with the world's authority (default true). */
  tee?: boolean;
  /** Tasks each worker runs at once (default 2). */
  capacity?: number;
  /** Scheduler settings (defaults tuned for tests: heartbeat 500 ms, poll 200 ms, flush 200 ms). */
  heartbeatMs?: number;
  pollMs?: number;
  flushMs?: number;
  maxBatch?: number;
  /** The SMS as its own process (as deployed) or in this process (default, cheaper). */
  sms?: "process" | "in-process";
  /** Run the test app in a warm sandbox per deal (`"reuse": "deal"`) instead of a process per task. */
  warmApp?: boolean;
  /** Tokens each worker deposits as stake (replicated deals); default 100. */
  workerDeposit?: bigint;
  logger?: Logger;
}

/** The wallets of a world, all funded with ETH; their escrow accounts are what tests check. */
export interface PoolActors {
  governance: NonceManager;
  appOwner: Wallet;
  poolOwner: Wallet;
  requester: Wallet;
  scheduler: Wallet;
  workers: Wallet[];
}

/**
 * A complete, real environment for pool processes: anvil with Polis deployed, the SMS (verifier
 * registered on-chain, attestation root pinned), an authority with each worker host enrolled, the
 * pool test app (TEE-measured), a workerpool whose scheduler key is the pool's, funded parties,
 * the requester's result key pushed, and pool.json written by `initPool` (as `polis pool init`).
 */
export interface PoolWorld extends PoolDeals {
  root: string;
  chain: AnvilChain;
  /** Governance's client (reads, faucet). */
  client: PolisClient;
  actors: PoolActors;
  app: string;
  workerpool: string;
  sms: PoolSms;
  authorityDir: string;
  configPath: string;
  /** The pool's state folder (scheduler/, worker<i>/, logs/). */
  dataDir: string;
  /** "worker0"... by address (checksummed). */
  workerName(address: string): string;
  /** launchPool(configPath) with these options; resolves once every started worker joined. */
  launch(opts?: LaunchOptions): Promise<RunningPool>;
  stop(): Promise<void>;
}

/** Builds a {@link PoolWorld}; `stop()` tears everything down (and deletes the folder). */
export async function createPoolWorld(o: PoolWorldOptions = {}): Promise<PoolWorld> {
  const root = mkdtempSync(join(tmpdir(), "polis-pool-world-"));
  const verifier = Wallet.createRandom();
  const chain = await startAnvil(root, [verifier.address]);
  try {
    return await build(root, chain, verifier.privateKey, o);
  } catch (err) {
    await chain.stop();
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
}

async function build(
  root: string,
  chain: AnvilChain,
  verifierKey: string,
  o: PoolWorldOptions,
): Promise<PoolWorld> {
  const provider = chain.provider;
  const fresh = () => Wallet.createRandom().connect(provider) as unknown as Wallet;
  const nWorkers = o.workers ?? 2;
  const actors: PoolActors = {
    governance: new NonceManager(chain.governance),
    appOwner: fresh(),
    poolOwner: fresh(),
    requester: fresh(),
    scheduler: fresh(),
    workers: Array.from({ length: nWorkers }, fresh),
  };
  const everyone = [
    actors.appOwner,
    actors.poolOwner,
    actors.requester,
    actors.scheduler,
    ...actors.workers,
  ];
  for (const w of everyone)
    await provider.send("anvil_setBalance", [w.address, "0x3635C9ADC5DEA00000"]); // 1000 ETH

  const client = await createClient({
    signer: actors.governance as never,
    deployment: chain.deployment,
  });
  const hub = chain.deployment.hub;
  const deposit = async (w: Wallet, amount: bigint) => {
    await (await client.token.faucet(w.address, amount)).wait();
    await (await client.token.connect(w)["transferAndCall(address,uint256)"](hub, amount)).wait();
  };
  await deposit(actors.requester, 100_000n * ONE);
  await deposit(actors.poolOwner, 100_000n * ONE);
  for (const w of actors.workers) await deposit(w, o.workerDeposit ?? 100n * ONE);

  // The app (TEE-measured; standard deals run the same bundle) and the pool.
  const appParams = await writePoolApp(
    join(root, "apps"),
    "pool-app",
    o.warmApp ? POOL_WARM_APP_CONFIG : POOL_APP_CONFIG,
  );
  const app = await client.appRegistry.predictApp(actors.appOwner.address, appParams);
  await (await client.appRegistry.connect(actors.appOwner).createApp(appParams)).wait();
  const poolParams = {
    description: "pool test",
    resourceClass: 1,
    location: "eu-west/paris",
    workerStakeRatio: 30,
    schedulerRewardRatio: 20,
    scheduler: actors.scheduler.address,
  };
  const workerpool = await client.workerpoolRegistry.predictWorkerpool(
    actors.poolOwner.address,
    poolParams,
  );
  await (
    await client.workerpoolRegistry.connect(actors.poolOwner).createWorkerpool(poolParams)
  ).wait();

  // Attestation authority (as scripts/attestation/create-authority.ts) and the SMS.
  const authorityDir = join(root, "authority");
  const authority = createAuthority({ name: "Polis pool test" });
  await saveAuthority(authorityDir, authority);
  await saveCrl(join(authorityDir, AUTHORITY_FILES.rootCrl), issueCrl(authority.root));
  await saveCrl(join(authorityDir, AUTHORITY_FILES.caCrl), issueCrl(authority.platformCa));
  const sms = await startPoolSms({
    mode: o.sms ?? "in-process",
    dataDir: join(root, "sms"),
    rpcUrl: chain.url,
    deploymentsDir: chain.deploymentsDir,
    authorityDir,
    verifierKey,
    logger: o.logger,
  });

  try {
    // The requester's result key: TEE results are encrypted to it.
    const beneficiary = generateX25519KeyPair();
    const requesterClient = await createClient({
      signer: actors.requester,
      deployment: chain.deployment,
    });
    await createSmsClient({ url: sms.url, chainId: requesterClient.chainId }).pushSecret({
      signer: actors.requester,
      kind: "beneficiary-key",
      target: actors.requester.address,
      value: beneficiary.publicKey,
    });

    const { configPath, config } = await initPool({
      dir: join(root, "pool"),
      rpc: chain.url,
      deployments: chain.deploymentsDir,
      pool: workerpool,
      smsUrl: sms.url,
      workers: nWorkers,
      schedulerKey: actors.scheduler.privateKey,
      workerKeys: actors.workers.map((w) => w.privateKey),
      inventory: {
        resourceClass: "fog",
        cpus: 1,
        memoryMb: 512,
        location: "eu-west/paris",
        capacity: o.capacity ?? 2,
      },
      authorityDir: o.tee === false ? undefined : authorityDir,
      scheduler: {
        apiPort: 0,
        heartbeatMs: o.heartbeatMs ?? 500,
        pollMs: o.pollMs ?? 200,
        flushMs: o.flushMs ?? 200,
        maxBatch: o.maxBatch,
      },
    });
    const dataDir = join(root, "pool", config.dataDir);
    const deals = await createDeals({
      chain,
      client,
      actors,
      app,
      workerpool,
      beneficiaryKeyPem: beneficiary.privateKeyPem,
    });
    const names = new Map(actors.workers.map((w, i) => [w.address, `worker${i}`]));
    return {
      ...deals,
      root,
      chain,
      client,
      actors,
      app,
      workerpool,
      sms,
      authorityDir,
      configPath,
      dataDir,
      workerName: (address) => names.get(address) ?? `unknown(${address})`,
      async launch(opts) {
        const pool = await launchPool(configPath, opts);
        // Ready when every worker started has joined and published its announcement.
        const started = opts?.workers ?? actors.workers.map((_, i) => i);
        await Promise.all(started.map((i) => pool.workerInfo(`worker${i}`, 90_000)));
        return pool;
      },
      async stop() {
        await sms.stop().catch(() => undefined);
        await chain.stop();
        // POLIS_KEEP_WORLD=1 keeps the folder (logs, journals, SQLite) for a post-mortem.
        if (process.env.POLIS_KEEP_WORLD) console.error(`pool world kept in ${root}`);
        else rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await sms.stop().catch(() => undefined);
    throw err;
  }
}

export { ONE, ZeroAddress };
