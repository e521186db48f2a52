/**
 * SMS key-release benchmark: the real service (sms/main.ts, a separate process) on 127.0.0.1 over
 * a real chain (anvil), every release check on (quote chain + CRLs, single-use nonce, reportData,
 * worker signature, deal from DealCreated checked against dealHash, task status and deadline, TEE
 * tag, scheduler authorization, measurement, dataset key read + audit row in one transaction,
 * sealing, statement signature). Each release carries its own nonce and quote, all generated
 * before the timed phases. Baseline: the service's own no-op endpoint, same body size, same run.
 *
 * Writes bench/results/sms.json and prints the figures.
 * Run: npx tsx scripts/bench/sms.ts   (npm run bench:sms)   [--c10 3000 --c50 3000 --tasks 500]
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import {
  HDNodeWallet,
  NonceManager,
  SigningKey,
  Wallet,
  ZeroAddress,
  computeAddress,
  getBytes,
  hashMessage,
  hexlify,
  randomBytes,
} from "ethers";
import type { Signer } from "ethers";
import {
  OrderKind,
  TEE_TAG,
  expiryIn,
  randomSalt,
  signOrder,
  signWorkerAuthorization,
  taskId as computeTaskId,
  taskDomain,
  hubDomain,
  toDeal,
} from "../../src/core/index.js";
import { encryptDataset } from "../../src/core/crypto/datasetFile.js";
import { sha256Hex } from "../../src/core/crypto/bytes.js";
import { generateX25519KeyPair } from "../../src/core/crypto/x25519.js";
import {
  SECRET_PUSH_TYPES,
  sessionRequestDigest,
  smsDomain,
  type SecretKind,
} from "../../src/core/sms.js";
import { createClient } from "../../src/sdk/client.js";
import {
  createAuthority,
  enrolPlatform,
  issueCrl,
} from "../../src/enclave/attestation/authority.js";
import { AUTHORITY_FILES, saveAuthority, saveCrl } from "../../src/enclave/attestation/files.js";
import { computeReportData, signQuote } from "../../src/enclave/attestation/quote.js";
import { startAnvil } from "../lib/anvil.js";
import { spawnSms } from "../lib/smsProcess.js";

const { values: args } = parseArgs({
  options: {
    c10: { type: "string", default: "3000" },
    c50: { type: "string", default: "3000" },
    baseline: { type: "string", default: "5000" },
    tasks: { type: "string", default: "500" },
  },
});
const N10 = Number(args.c10);
const N50 = Number(args.c50);
const NBASE = Number(args.baseline);
const TASKS = BigInt(args.tasks);
const WARMUP = 300;
const ONE = 10n ** 18n;
const log = (s: string) => console.log(s);

const root = await mkdtemp(join(tmpdir(), "polis-bench-sms-"));
const verifierKey = new SigningKey(hexlify(randomBytes(32)));
const chain = await startAnvil(root, [computeAddress(verifierKey.publicKey)]);
let sms: Awaited<ReturnType<typeof spawnSms>> | undefined;
try {
  // Parties: anvil's funded dev accounts.
  const phrase = "test test test test test test test test test test test junk";
  const account = (i: number) =>
    new NonceManager(
      HDNodeWallet.fromPhrase(phrase, undefined, `m/44'/60'/0'/0/${i}`).connect(chain.provider),
    );
  const [appOwner, datasetOwner, poolOwner, requester] = [1, 2, 3, 4].map(account);
  const workers = [5, 6, 7, 8].map((i) =>
    HDNodeWallet.fromPhrase(phrase, undefined, `m/44'/60'/0'/0/${i}`),
  );
  const client = await createClient({ provider: chain.provider, deployment: chain.deployment });
  const c = (s: Signer) => ({
    apps: client.appRegistry.connect(s),
    datasets: client.datasetRegistry.connect(s),
    pools: client.workerpoolRegistry.connect(s),
    hub: client.hub.connect(s),
    token: client.token.connect(s),
  });
  const addr = (s: Signer) => s.getAddress();

  log("setting up: assets, funds, a TEE deal");
  const mrenclave = sha256Hex("bench enclave");
  const appParams = {
    name: "bench",
    uri: "bench",
    checksum: sha256Hex("bundle"),
    mrenclave,
    enclaveConfigHash: sha256Hex("config"),
  };
  const app = await client.appRegistry.predictApp(await addr(appOwner), appParams);
  await (await c(appOwner).apps.createApp(appParams)).wait();
  const { key: datasetKey, checksum } = encryptDataset(Buffer.from("bench data"));
  const dsParams = { name: "bench-data", uri: "file:///dev/null", checksum };
  const dataset = await client.datasetRegistry.predictDataset(await addr(datasetOwner), dsParams);
  await (await c(datasetOwner).datasets.createDataset(dsParams)).wait();
  const poolParams = {
    description: "bench pool",
    resourceClass: 0,
    location: "local",
    workerStakeRatio: 30,
    schedulerRewardRatio: 20,
    scheduler: ZeroAddress,
  };
  const workerpool = await client.workerpoolRegistry.predictWorkerpool(
    await addr(poolOwner),
    poolParams,
  );
  await (await c(poolOwner).pools.createWorkerpool(poolParams)).wait();
  for (const who of [requester, poolOwner]) {
    const amount = 10n ** 9n * ONE;
    await (await client.token.connect(who).faucet(await addr(who), amount)).wait();
    await (await c(who).token.approve(chain.deployment.hub, amount)).wait();
    await (await c(who).hub.deposit(amount)).wait();
  }
  const hd = hubDomain(client.chainId, chain.deployment.hub);
  const td = taskDomain(client.chainId, chain.deployment.taskManager);
  const now = BigInt((await chain.provider.getBlock("latest"))!.timestamp);
  const expiry = expiryIn(86_400n, now);
  const z = ZeroAddress;
  const common = { volume: TASKS, tag: TEE_TAG, expiry, signature: "0x" };
  const appOrder = await signOrder(appOwner, hd, OrderKind.App, {
    ...common,
    app,
    price: 1n,
    datasetRestrict: z,
    workerpoolRestrict: z,
    requesterRestrict: z,
    salt: randomSalt(),
  });
  const datasetOrder = await signOrder(datasetOwner, hd, OrderKind.Dataset, {
    ...common,
    dataset,
    price: 1n,
    appRestrict: z,
    workerpoolRestrict: z,
    requesterRestrict: z,
    salt: randomSalt(),
  });
  const workerpoolOrder = await signOrder(poolOwner, hd, OrderKind.Workerpool, {
    ...common,
    workerpool,
    price: 1n,
    category: 4n,
    trust: 1n,
    appRestrict: z,
    datasetRestrict: z,
    requesterRestrict: z,
    salt: randomSalt(),
  });
  const requestOrder = await signOrder(requester, hd, OrderKind.Request, {
    ...common,
    app,
    appMaxPrice: 1n,
    dataset,
    datasetMaxPrice: 1n,
    workerpool: z,
    workerpoolMaxPrice: 1n,
    requester: await addr(requester),
    category: 4n,
    trust: 1n,
    beneficiary: await addr(requester),
    callback: z,
    params: "{}",
    salt: randomSalt(),
  });
  const receipt = (await (
    await c(requester).hub.matchOrders(appOrder, datasetOrder, workerpoolOrder, requestOrder)
  ).wait())!;
  const created = receipt.logs
    .map((l) => {
      try {
        return client.hub.interface.parseLog(l);
      } catch {
        return null;
      }
    })
    .find((l) => l?.name === "DealCreated")!;
  const dealId = created.args.dealId as string;
  const deal = toDeal(created.args.deal);

  // Attestation authority and one enrolled platform; the SMS data dir with its verifier key.
  const authority = createAuthority({ name: "Polis bench" });
  const platform = enrolPlatform(authority, { platformId: "bench-host" });
  const authorityDir = join(root, "authority");
  await saveAuthority(authorityDir, authority);
  await saveCrl(join(authorityDir, AUTHORITY_FILES.rootCrl), issueCrl(authority.root));
  await saveCrl(join(authorityDir, AUTHORITY_FILES.caCrl), issueCrl(authority.platformCa));
  const dataDir = join(root, "sms");
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFile(join(dataDir, "verifier.key"), verifierKey.privateKey + "\n", { mode: 0o400 });

  sms = await spawnSms({
    SMS_RPC_URL: chain.url,
    SMS_DEPLOYMENTS_DIR: chain.deploymentsDir,
    SMS_DATA_DIR: dataDir,
    SMS_ATTESTATION_DIR: authorityDir,
    SMS_RATE_LIMIT_SCALE: "0", // one load generator on one IP; limits are tested separately
    SMS_NONCE_TTL_SECONDS: "900",
    // The service's default (one crypto thread) unless asked: on 2 cores a second thread only
    // competes with the event loop, which is the busier of the two.
    ...(process.env.SMS_CRYPTO_THREADS
      ? { SMS_CRYPTO_THREADS: process.env.SMS_CRYPTO_THREADS }
      : {}),
    ...(process.env.BENCH_SMS_NODE_OPTIONS
      ? { NODE_OPTIONS: process.env.BENCH_SMS_NODE_OPTIONS }
      : {}),
  });
  const url = sms.url;
  log(`SMS (separate process, pid ${sms.proc.pid}) at ${url}`);

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const post = async (path: string, body: unknown, method = "POST"): Promise<any> => {
    const r = await fetch(url + path, {
      method,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const json = await r.json();
    if (!r.ok) throw new Error(`${path}: ${r.status} ${JSON.stringify(json)}`);
    return json;
  };
  const push = async (signer: Signer, kind: SecretKind, target: string, value: Uint8Array) => {
    const ch = await post("/v1/challenges", { kind, target });
    const signature = await signer.signTypedData(smsDomain(client.chainId), SECRET_PUSH_TYPES, {
      kind,
      target,
      name: "",
      valueHash: sha256Hex(value),
      nonce: ch.nonce,
      expiresAt: BigInt(ch.expiresAt),
    });
    await post(
      `/v1/secrets/${kind}/${target}`,
      { challengeId: ch.challengeId, value: Buffer.from(value).toString("base64"), signature },
      "PUT",
    );
  };
  await push(datasetOwner, "dataset-key", dataset, datasetKey);
  await push(
    requester,
    "beneficiary-key",
    await addr(requester),
    generateX25519KeyPair().publicKey,
  );

  // Every release gets its own nonce, enclave keys, quote, authorization and worker signature.
  const total = WARMUP + N10 + N50;
  log(`pre-generating ${total} release requests (own nonce and quote each)...`);
  const genStart = performance.now();
  const scheduler = poolOwner;
  const bodies: string[] = [];
  for (let k = 0; k < total; k++) {
    const index = deal.botFirst + (BigInt(k) % TASKS);
    const taskId = computeTaskId(dealId, index);
    const worker = workers[k % workers.length];
    const enclave = new Wallet(hexlify(randomBytes(32)));
    const enc = generateX25519KeyPair();
    const { nonce } = await post("/v1/nonces", {});
    const quote = signQuote(
      {
        mrenclave,
        debug: false,
        securityVersion: platform.securityVersion,
        tcbStatus: "UpToDate",
        enclave: enclave.address,
        encryptionKey: enc.publicKey.toString("base64"),
        reportData: computeReportData(enclave.address, enc.publicKey, nonce),
        platformId: platform.platformId,
        issuedAt: Math.floor(Date.now() / 1000),
        networkIsolated: true,
      },
      platform.privateKeyPem,
      platform.certChain,
    );
    const unsigned = {
      taskId,
      dealId,
      taskIndex: index.toString(),
      worker: worker.address,
      nonce,
      quote,
      authorization: await signWorkerAuthorization(scheduler, td, {
        worker: worker.address,
        taskId,
        enclave: enclave.address,
      }),
    };
    const workerSignature = worker.signingKey.sign(
      hashForWorker(sessionRequestDigest(unsigned)),
    ).serialized;
    bodies.push(JSON.stringify({ ...unsigned, workerSignature }));
  }
  log(
    `  done in ${((performance.now() - genStart) / 1000).toFixed(1)} s (${Math.round(bodies[0].length / 100) / 10} KB each)`,
  );

  let next = 0;
  const run = async (
    title: string,
    path: string,
    connections: number,
    amount: number,
    body?: () => string,
  ) => {
    // autocannon ends a fixed-amount run on its 1 s ticker: time the last response instead.
    const started = performance.now();
    let last = started;
    const r = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        {
          url: url + path,
          connections,
          amount,
          method: "POST",
          headers: { "content-type": "application/json" },
          requests: [
            {
              method: "POST",
              path,
              setupRequest: (req) => ({ ...req, body: body ? body() : bodies[0] }),
            },
          ],
          timeout: 30,
        },
        (err, result) => (err ? reject(err) : resolve(result)),
      );
      instance.on("response", () => (last = performance.now()));
    });
    const seconds = (last - started) / 1000;
    const rps = r.requests.total / seconds;
    log(
      `${title.padEnd(22)} ${String(r.requests.total).padStart(5)} req  ${rps.toFixed(0).padStart(5)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  non-2xx ${r.non2xx}  errors ${r.errors}`,
    );
    if (r.non2xx > 0 || r.errors > 0)
      throw new Error(`${title}: ${r.non2xx} non-2xx, ${r.errors} errors: results invalid`);
    return { rps, p50: r.latency.p50, p99: r.latency.p99, count: r.requests.total };
  };
  const release = () => bodies[next++];

  await run("warmup releases c10", "/v1/sessions", 10, WARMUP, release);
  const baseline = await run("baseline no-op c10", "/v1/noop", 10, NBASE, () => bodies[0]);
  const c10 = await run("releases c10", "/v1/sessions", 10, N10, release);
  const c50 = await run("releases c50", "/v1/sessions", 50, N50, release);

  const results = {
    releasesPerSec: Math.round(Math.max(c10.rps, c50.rps)),
    c10: { p50Ms: c10.p50, p99Ms: c10.p99 },
    c50: { p50Ms: c50.p50, p99Ms: c50.p99 },
    baselineC10: { p50Ms: baseline.p50, p99Ms: baseline.p99 },
  };
  const extra = {
    releasesPerSecC10: Math.round(c10.rps),
    releasesPerSecC50: Math.round(c50.rps),
    baselinePerSecC10: Math.round(baseline.rps),
    p99RatioToBaseline: Number((c10.p99 / Math.max(baseline.p99, 1)).toFixed(2)),
    distinctTasks: Number(TASKS),
    cryptoThreads: Number(process.env.SMS_CRYPTO_THREADS ?? "1"),
    requestBytes: bodies[0].length,
  };
  await mkdir("bench/results", { recursive: true });
  await writeFile("bench/results/sms.json", JSON.stringify(results, null, 2) + "\n");
  log("\n" + JSON.stringify({ ...results, ...extra }, null, 2));
  log(
    `targets: >= 500 releases/s ${results.releasesPerSec >= 500 ? "met" : "MISSED"}; ` +
      `p99 <= 50 ms at c10 ${c10.p99 <= 50 ? "met" : "MISSED"}; ` +
      `p99 <= 3x baseline ${c10.p99 <= 3 * baseline.p99 ? "met" : "MISSED"} (${extra.p99RatioToBaseline}x)`,
  );
} finally {
  if (sms) {
    sms.proc.kill("SIGTERM");
    await sms.exited;
  }
  await chain.stop();
  await rm(root, { recursive: true, force: true });
}

/** EIP-191 hash of a 32-byte digest (what `signMessage(bytes32)` signs). */
function hashForWorker(digest: string): string {
  return hashMessage(getBytes(digest));
}
