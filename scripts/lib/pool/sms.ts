import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { SigningKey } from "ethers";
import { pino, type Logger } from "pino";
import { createClient } from "../../../src/sdk/client.js";
import {
  AUTHORITY_FILES,
  loadAuthorityCrls,
  writeSecretFile,
} from "../../../src/enclave/attestation/files.js";
import { createAttestationVerifier } from "../../../src/enclave/attestation/verifier.js";
import { createChainReader } from "../../../sms/chain/chainReader.js";
import { createSms } from "../../../sms/sms.js";
import { openSmsStore } from "../../../sms/store/smsStore.js";
import { spawnSms, TSX_ENTRY } from "../smsProcess.js";

/** A running SMS for a pool world. */
export interface PoolSms {
  url: string;
  /** The OS process (process mode only). */
  pid?: number;
  stop(): Promise<void>;
}

export interface StartPoolSmsParameters {
  /** "process": sms/main.ts as its own process (as deployed); "in-process": createSms here. */
  mode: "process" | "in-process";
  dataDir: string;
  rpcUrl: string;
  deploymentsDir: string;
  /** Authority folder (root and platform CA certificates, CRLs). */
  authorityDir: string;
  /** The verifier key registered on-chain (0x-hex). */
  verifierKey: string;
  logger?: Logger;
}

/**
 * Starts the real SMS against the world's chain, pinning the world's attestation root, with rate
 * limiting off (every worker of a one-machine pool shares 127.0.0.1).
 */
export async function startPoolSms(p: StartPoolSmsParameters): Promise<PoolSms> {
  await mkdir(p.dataDir, { recursive: true, mode: 0o700 });
  if (p.mode === "process") {
    const keyFile = join(p.dataDir, "verifier.key");
    await writeSecretFile(keyFile, p.verifierKey + "\n", 0o400);
    const sms = await spawnSms(
      {
        SMS_RPC_URL: p.rpcUrl,
        SMS_DEPLOYMENTS_DIR: p.deploymentsDir,
        SMS_ATTESTATION_DIR: p.authorityDir,
        SMS_DATA_DIR: p.dataDir,
        SMS_VERIFIER_KEY_FILE: keyFile,
        SMS_RATE_LIMIT_SCALE: "0",
        SMS_BLOCK_TTL_MS: "200",
      },
      60_000,
      TSX_ENTRY,
    );
    // Keep only the last lines: a long bench would otherwise hold every log line.
    const trim = setInterval(() => sms.logs.splice(0, Math.max(0, sms.logs.length - 200)), 5_000);
    trim.unref();
    return {
      url: sms.url,
      pid: sms.proc.pid,
      async stop() {
        clearInterval(trim);
        if (sms.proc.exitCode === null) sms.proc.kill("SIGTERM");
        await sms.exited;
      },
    };
  }
  const store = await openSmsStore({
    dbPath: join(p.dataDir, "sms.db"),
    masterKeyPath: join(p.dataDir, "master.key"),
  });
  const client = await createClient({ rpcUrl: p.rpcUrl, deploymentsDir: p.deploymentsDir });
  const attestation = createAttestationVerifier({
    rootCertPem: await readFile(join(p.authorityDir, AUTHORITY_FILES.rootCert), "utf8"),
    issuerCertPems: [await readFile(join(p.authorityDir, AUTHORITY_FILES.caCert), "utf8")],
    crls: await loadAuthorityCrls(p.authorityDir),
  });
  const sms = createSms(
    {
      chain: createChainReader(client, { blockTtlMs: 200 }),
      store,
      attestation,
      verifierKey: new SigningKey(p.verifierKey),
      logger: p.logger ?? pino({ level: "silent" }),
    },
    { port: 0, rateLimits: false },
  );
  const { url } = await sms.start();
  return {
    url,
    async stop() {
      await sms.stop();
      store.close();
      (client.provider as { destroy?: () => void }).destroy?.();
    },
  };
}
