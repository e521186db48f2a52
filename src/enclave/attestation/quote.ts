import { constants, createPrivateKey, sign, verify, type KeyObject } from "node:crypto";
import { getAddress, getBytes } from "ethers";
import { canonicalBytes } from "../../core/canonical.js";
import { sha256 } from "../../core/crypto/bytes.js";
import { AttestationError } from "../errors.js";

/** TCB status the platform reports (as Intel's attestation service would). */
export type TcbStatus = "UpToDate" | "OutOfDate" | "ConfigurationNeeded" | "Revoked";
export const TCB_STATUSES: readonly TcbStatus[] = [
  "UpToDate",
  "OutOfDate",
  "ConfigurationNeeded",
  "Revoked",
];

/** What the enclave states about itself (docs/PROTOCOLS.md §2). */
export interface QuoteBody {
  mrenclave: string;
  debug: boolean;
  securityVersion: number;
  tcbStatus: TcbStatus;
  /** The per-task enclave address (secp256k1). */
  enclave: string;
  /** The per-task X25519 public key, base64 (32 bytes). */
  encryptionKey: string;
  /** sha256("POLISRD1" || enclave || encryptionKey || SMS nonce), 0x-hex. */
  reportData: string;
  platformId: string;
  /** Unix seconds. */
  issuedAt: number;
  /** Whether the app will run without network (`unshare -n`). */
  networkIsolated: boolean;
}

export interface Quote {
  version: 1;
  body: QuoteBody;
  /** base64 RSA-PSS SHA-256 signature by the platform key over canonical JSON of `body`. */
  signature: string;
  /** [platform certificate PEM, platform CA certificate PEM]. */
  certChain: string[];
}

export const REPORT_DATA_MAGIC = Buffer.from("POLISRD1", "ascii");
const PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
const BODY_FIELDS = [
  "debug",
  "enclave",
  "encryptionKey",
  "issuedAt",
  "mrenclave",
  "networkIsolated",
  "platformId",
  "reportData",
  "securityVersion",
  "tcbStatus",
].join(",");
const MAX_CERT_PEM = 8192;

/** reportData binding the enclave address, its encryption key and the SMS nonce. */
export function computeReportData(
  enclave: string,
  encryptionKey: Uint8Array,
  nonce: string,
): string {
  const n = getBytes(nonce);
  if (n.length !== 32) throw new AttestationError("QuoteMalformed", "The nonce must be 32 bytes.");
  if (encryptionKey.length !== 32)
    throw new AttestationError("QuoteMalformed", "The encryption key must be 32 bytes.");
  const bytes = Buffer.concat([REPORT_DATA_MAGIC, getBytes(enclave), encryptionKey, n]);
  return "0x" + sha256(bytes).toString("hex");
}

/** Signs a quote body with the platform key (node:crypto RSA-PSS SHA-256). */
export function signQuote(
  body: QuoteBody,
  platformKey: KeyObject | string,
  certChain: string[],
): Quote {
  const key = typeof platformKey === "string" ? createPrivateKey(platformKey) : platformKey;
  const signature = sign("sha256", canonicalBytes(body), { key, ...PSS }).toString("base64");
  return { version: 1, body, signature, certChain };
}

/**
 * Checks a quote against its verified chain: the platform key's signature over the body, and the
 * platform id and TCB level the authority certified.
 * @throws AttestationError("QuoteSignatureInvalid" | "TcbMismatch")
 */
export function checkQuoteSignature(
  quote: Quote,
  chain: {
    platformKey: KeyObject;
    platformId: string;
    tcb: { status: string; securityVersion: number };
  },
): void {
  let valid = false;
  try {
    valid = verify(
      "sha256",
      canonicalBytes(quote.body),
      { key: chain.platformKey, ...PSS },
      Buffer.from(quote.signature, "base64"),
    );
  } catch {
    valid = false;
  }
  if (!valid)
    throw new AttestationError("QuoteSignatureInvalid", "The quote signature is invalid.");
  if (quote.body.platformId !== chain.platformId)
    throw new AttestationError("QuoteSignatureInvalid", "platformId differs from the cert.");
  if (
    quote.body.tcbStatus !== chain.tcb.status ||
    quote.body.securityVersion !== chain.tcb.securityVersion
  )
    throw new AttestationError(
      "TcbMismatch",
      `The quote claims TCB ${quote.body.tcbStatus}/${quote.body.securityVersion}, the platform is certified ${chain.tcb.status}/${chain.tcb.securityVersion}.`,
    );
}

/**
 * Validates a quote's shape strictly (exact fields, types, sizes); says nothing about trust.
 * @throws AttestationError("QuoteMalformed")
 */
export function parseQuote(value: unknown): Quote {
  const fail = (why: string): never => {
    throw new AttestationError("QuoteMalformed", `Malformed quote: ${why}.`);
  };
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail("not an object");
  const q = value as Record<string, unknown>;
  if (Object.keys(q).sort().join(",") !== "body,certChain,signature,version") fail("fields");
  if (q.version !== 1) fail("version");
  if (typeof q.signature !== "string" || q.signature.length < 16 || q.signature.length > 1024)
    fail("signature");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(q.signature as string)) fail("signature encoding");
  if (!Array.isArray(q.certChain) || q.certChain.length < 2 || q.certChain.length > 3)
    fail("certChain");
  for (const c of q.certChain as unknown[])
    if (typeof c !== "string" || c.length > MAX_CERT_PEM || !c.includes("BEGIN CERTIFICATE"))
      fail("certificate");
  const b = q.body as Record<string, unknown> | null;
  if (typeof b !== "object" || b === null || Array.isArray(b)) fail("body");
  if (Object.keys(b!).sort().join(",") !== BODY_FIELDS) fail("body fields");
  if (typeof b!.mrenclave !== "string" || !/^0x[0-9a-f]{64}$/.test(b!.mrenclave)) fail("mrenclave");
  if (typeof b!.debug !== "boolean") fail("debug");
  if (typeof b!.networkIsolated !== "boolean") fail("networkIsolated");
  if (!Number.isSafeInteger(b!.securityVersion) || (b!.securityVersion as number) < 0)
    fail("securityVersion");
  if (!TCB_STATUSES.includes(b!.tcbStatus as TcbStatus)) fail("tcbStatus");
  if (typeof b!.enclave !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(b!.enclave)) fail("enclave");
  try {
    getAddress(b!.enclave as string);
  } catch {
    fail("enclave checksum");
  }
  if (
    typeof b!.encryptionKey !== "string" ||
    Buffer.from(b!.encryptionKey, "base64").length !== 32 ||
    Buffer.from(b!.encryptionKey, "base64").toString("base64") !== b!.encryptionKey
  )
    fail("encryptionKey");
  if (typeof b!.reportData !== "string" || !/^0x[0-9a-f]{64}$/.test(b!.reportData))
    fail("reportData");
  if (typeof b!.platformId !== "string" || b!.platformId.length === 0 || b!.platformId.length > 128)
    fail("platformId");
  if (!Number.isSafeInteger(b!.issuedAt) || (b!.issuedAt as number) <= 0) fail("issuedAt");
  return q as unknown as Quote;
}
