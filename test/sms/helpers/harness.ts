import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { SigningKey } from "ethers";
import { pino } from "pino";
import { createClient, type PolisClient } from "../../../src/sdk/client.js";
import type { Deployment } from "../../../src/sdk/deploy/deployment.js";
import {
  createAuthority,
  enrolPlatform,
  issueCrl,
  type Authority,
  type PlatformIdentity,
} from "../../../src/enclave/attestation/authority.js";
import type { SignedCrl } from "../../../src/enclave/attestation/crl.js";
import {
  createAttestationVerifier,
  type AttestationVerifier,
} from "../../../src/enclave/attestation/verifier.js";
import { createChainReader } from "../../../sms/chain/chainReader.js";
import { createSms, type Sms, type SmsInit } from "../../../sms/sms.js";
import { openSmsStore, type SmsStore } from "../../../sms/store/smsStore.js";
import { ethers, type PolisFixture } from "../../helpers/fixture.js";

/** One attestation authority and an enrolled platform, shared by a test file. */
export const authority: Authority = createAuthority({ name: "Polis test" });
export const platform: PlatformIdentity = enrolPlatform(authority, { platformId: "test-host-1" });

/** Fresh CRLs (nothing revoked) for the test authority. */
export function freshCrls(revokedPlatforms: string[] = [], revokedCas: string[] = []): SignedCrl[] {
  return [
    issueCrl(authority.root, { serials: revokedCas }),
    issueCrl(authority.platformCa, { serials: revokedPlatforms }),
  ];
}

export interface SmsHarness {
  f: PolisFixture;
  client: PolisClient;
  store: SmsStore;
  sms: Sms;
  url: string;
  attestation: AttestationVerifier;
  /** Every log line the SMS wrote (JSON). */
  logs: string[];
  dir: string;
  stop(): Promise<void>;
}

export interface StartSmsOptions {
  init?: SmsInit;
  crls?: SignedCrl[];
  rootCertPem?: string;
  clock?: () => number;
}

/** The client the SMS reads the chain through (the in-process Hardhat chain). */
export async function fixtureClient(f: PolisFixture): Promise<PolisClient> {
  const deployment: Deployment = {
    chainId: f.chainId.toString(),
    hub: await f.hub.getAddress(),
    taskManager: await f.taskManager.getAddress(),
    token: await f.token.getAddress(),
    appRegistry: await f.appRegistry.getAddress(),
    datasetRegistry: await f.datasetRegistry.getAddress(),
    workerpoolRegistry: await f.workerpoolRegistry.getAddress(),
    startBlock: 0,
    deployedAt: new Date().toISOString(),
  };
  return createClient({ provider: ethers.provider, deployment });
}

/**
 * Starts a real SMS on 127.0.0.1 (free port) over a fresh SQLite file, reading the fixture's
 * in-process chain, with the fixture's registered verifier key and the test authority pinned.
 */
export async function startSms(f: PolisFixture, o: StartSmsOptions = {}): Promise<SmsHarness> {
  const dir = mkdtempSync(join(tmpdir(), "polis-sms-test-"));
  const logs: string[] = [];
  const logger = pino(
    { level: "debug" },
    new Writable({
      write(chunk, _enc, cb) {
        logs.push(String(chunk));
        cb();
      },
    }),
  );
  const store = await openSmsStore({
    dbPath: join(dir, "sms.db"),
    masterKeyPath: join(dir, "master.key"),
    clock: o.clock,
  });
  const client = await fixtureClient(f);
  const attestation = createAttestationVerifier({
    rootCertPem: o.rootCertPem ?? authority.root.certPem,
    issuerCertPems: [authority.platformCa.certPem],
    crls: o.crls ?? freshCrls(),
    clock: o.clock,
  });
  const sms = createSms(
    {
      chain: createChainReader(client, { blockTtlMs: 0 }),
      store,
      attestation,
      verifierKey: new SigningKey(f.verifier.privateKey),
      logger,
    },
    { port: 0, rateLimits: false, ...o.init },
  );
  const { url } = await sms.start();
  return {
    f,
    client,
    store,
    sms,
    url,
    attestation,
    logs,
    dir,
    async stop() {
      await sms.stop();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** POSTs/PUTs JSON and returns status and parsed body. */
export async function http(
  method: "GET" | "POST" | "PUT",
  url: string,
  body?: unknown,
  raw?: string,
): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method,
    headers: body !== undefined || raw !== undefined ? { "content-type": "application/json" } : {},
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed };
}
