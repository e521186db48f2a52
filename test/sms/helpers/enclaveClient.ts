import { Wallet, getBytes, hexlify, randomBytes, type Signer } from "ethers";
import { generateX25519KeyPair, openEnvelope } from "../../../src/core/crypto/x25519.js";
import { signWorkerAuthorization } from "../../../src/core/signing.js";
import { taskId as computeTaskId, type Deal } from "../../../src/core/deal.js";
import {
  sessionRequestDigest,
  type ReleasedSecrets,
  type SessionRequest,
  type SessionResponse,
  type UnsignedSessionRequest,
} from "../../../src/core/sms.js";
import type { PlatformIdentity } from "../../../src/enclave/attestation/authority.js";
import {
  computeReportData,
  signQuote,
  type QuoteBody,
} from "../../../src/enclave/attestation/quote.js";
import type { PolisFixture } from "../../helpers/fixture.js";
import { http } from "./harness.js";

export interface SessionOptions {
  dealId: string;
  deal: Deal;
  index?: bigint;
  worker: Signer;
  /** Who signs the WorkerAuthorization. Default: the pool owner (the deal's scheduler). */
  scheduler?: Signer;
  platform: PlatformIdentity;
  /** Overrides of the quote body (mrenclave, debug, tcbStatus...). */
  quote?: Partial<QuoteBody>;
  /** Use this nonce instead of asking the SMS. */
  nonce?: string;
}

/** A simulated enclave's session request, as the enclave host builds it (src/enclave). */
export interface BuiltSession {
  request: SessionRequest;
  enclave: Wallet;
  encryptionPrivateKeyPem: string;
  taskId: string;
}

export async function buildSession(
  f: PolisFixture,
  url: string,
  o: SessionOptions,
): Promise<BuiltSession> {
  const index = o.index ?? o.deal.botFirst;
  const taskId = computeTaskId(o.dealId, index);
  const enclave = new Wallet(hexlify(randomBytes(32)));
  const enc = generateX25519KeyPair();
  const nonce = o.nonce ?? (await http("POST", `${url}/v1/nonces`, {})).body.nonce;
  const body: QuoteBody = {
    mrenclave: o.deal.mrenclave,
    debug: false,
    securityVersion: o.platform.securityVersion,
    tcbStatus: o.platform.tcbStatus,
    enclave: enclave.address,
    encryptionKey: enc.publicKey.toString("base64"),
    reportData: computeReportData(enclave.address, enc.publicKey, nonce),
    platformId: o.platform.platformId,
    issuedAt: Math.floor(Date.now() / 1000),
    networkIsolated: true,
    ...o.quote,
  };
  const quote = signQuote(body, o.platform.privateKeyPem, o.platform.certChain);
  const worker = await o.worker.getAddress();
  const unsigned: UnsignedSessionRequest = {
    taskId,
    dealId: o.dealId,
    taskIndex: index.toString(),
    worker,
    nonce,
    quote,
    authorization: await signWorkerAuthorization(o.scheduler ?? f.actors.poolOwner, f.taskDomain, {
      worker,
      taskId,
      enclave: enclave.address,
    }),
  };
  const workerSignature = await o.worker.signMessage(getBytes(sessionRequestDigest(unsigned)));
  return {
    request: { ...unsigned, workerSignature },
    enclave,
    encryptionPrivateKeyPem: enc.privateKeyPem,
    taskId,
  };
}

/** Re-signs a request after a test changed it (so only the intended field is wrong). */
export async function resign(request: SessionRequest, worker: Signer): Promise<SessionRequest> {
  const { workerSignature: _old, ...unsigned } = request;
  return {
    ...unsigned,
    workerSignature: await worker.signMessage(getBytes(sessionRequestDigest(unsigned))),
  };
}

export function openSecrets(s: BuiltSession, response: SessionResponse): ReleasedSecrets {
  return JSON.parse(
    openEnvelope(s.encryptionPrivateKeyPem, response.secrets, getBytes(s.taskId)).toString("utf8"),
  ) as ReleasedSecrets;
}
