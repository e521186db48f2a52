/**
 * SMS entry point: reads the environment (sms/config.ts), opens the store, pins the attestation
 * root, connects to the chain and serves. SIGTERM/SIGINT stop it gracefully.
 *
 * Run: npx tsx sms/main.ts   (or npm run sms)
 */
import { mkdir, readFile } from "node:fs/promises";
import { pino } from "pino";
import { computeAddress } from "ethers";
import { createClient } from "../src/sdk/client.js";
import { parseCrl } from "../src/enclave/attestation/crl.js";
import { createAttestationVerifier } from "../src/enclave/attestation/verifier.js";
import { createChainReader } from "./chain/chainReader.js";
import { readSmsConfig } from "./config.js";
import { createSms } from "./sms.js";
import { openSmsStore } from "./store/smsStore.js";
import { loadOrCreateVerifierKey } from "./verifierKey.js";

// node:sqlite prints an ExperimentalWarning on every start; it is expected.
process.removeAllListeners("warning");
// A closed log pipe must not take the service down (or block its shutdown).
process.stdout.on("error", () => {});

const config = readSmsConfig();
const logger = pino({ level: config.logLevel, base: { service: "sms" } });

await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
const store = await openSmsStore({ dbPath: config.dbPath, masterKeyPath: config.masterKeyPath });
const verifierKey = await loadOrCreateVerifierKey(config.verifierKeyPath);
const readCrls = async () =>
  Promise.all(config.crlPaths.map(async (p) => parseCrl(JSON.parse(await readFile(p, "utf8")))));
const attestation = createAttestationVerifier({
  rootCertPem: await readFile(config.rootCertPath, "utf8"),
  issuerCertPems: await Promise.all(config.caCertPaths.map((p) => readFile(p, "utf8"))),
  crls: await readCrls(),
});
const client = await createClient({ rpcUrl: config.rpcUrl, deploymentsDir: config.deploymentsDir });
const chain = createChainReader(client, { blockTtlMs: config.blockTtlMs });
const sms = createSms({ chain, store, attestation, verifierKey, logger }, config.init);

const verifier = computeAddress(verifierKey.publicKey);
if (!(await chain.isAttestationVerifier(verifier)))
  logger.warn(
    { verifier },
    "this SMS's verifier key is not registered on-chain: results it attests will be refused (TaskManager.setAttestationVerifier)",
  );

const reload = setInterval(async () => {
  try {
    for (const crl of await readCrls())
      if (attestation.updateCrl(crl)) logger.info({ issuer: crl.body.issuer }, "CRL reloaded");
  } catch (err) {
    logger.error({ err }, "CRL reload failed (the installed lists stay until they go stale)");
  }
}, config.crlReloadSeconds * 1000);
reload.unref();

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down");
  setTimeout(() => process.exit(1), 15_000).unref();
  clearInterval(reload);
  await sms.stop();
  store.close();
  process.exit(0);
};
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

await sms.start();
