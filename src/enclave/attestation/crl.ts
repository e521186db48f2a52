import { constants, createPrivateKey, sign, verify, type KeyObject } from "node:crypto";
import { canonicalBytes } from "../../core/canonical.js";
import { AttestationError } from "../errors.js";
import { normalizeSerial } from "./certificates.js";

/**
 * A certificate revocation list, signed by the CA that issued the certificates it lists.
 * Times are unix seconds. `issuer` is the sha256 fingerprint of the issuing CA's certificate.
 */
export interface CrlBody {
  version: 1;
  issuer: string;
  issuedAt: number;
  nextUpdate: number;
  serials: string[];
}

/** A CRL and the issuer's RSA-PSS SHA-256 signature (base64) over canonical JSON of `body`. */
export interface SignedCrl {
  body: CrlBody;
  signature: string;
}

const PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
const MAX_SERIALS = 100_000;

/** Signs a CRL with the issuing CA's private key. Serials are normalized and sorted. */
export function signCrl(body: CrlBody, issuerPrivateKeyPem: string): SignedCrl {
  const normalized: CrlBody = {
    ...body,
    serials: [...new Set(body.serials.map(normalizeSerial))].sort(),
  };
  const signature = sign("sha256", canonicalBytes(normalized), {
    key: createPrivateKey(issuerPrivateKeyPem),
    ...PSS,
  });
  return { body: normalized, signature: signature.toString("base64") };
}

/**
 * Checks a CRL's shape.
 * @throws AttestationError("CrlInvalid")
 */
export function parseCrl(value: unknown): SignedCrl {
  const fail = (why: string): never => {
    throw new AttestationError("CrlInvalid", `Invalid revocation list: ${why}.`);
  };
  if (typeof value !== "object" || value === null) fail("not an object");
  const v = value as Record<string, unknown>;
  if (typeof v.signature !== "string" || v.signature.length > 1024) fail("signature");
  const b = v.body as Record<string, unknown> | null;
  if (typeof b !== "object" || b === null) fail("body");
  if (Object.keys(b!).sort().join(",") !== "issuedAt,issuer,nextUpdate,serials,version")
    fail("body fields");
  if (b!.version !== 1) fail("version");
  if (typeof b!.issuer !== "string" || !/^[0-9a-f]{64}$/.test(b!.issuer)) fail("issuer");
  for (const k of ["issuedAt", "nextUpdate"] as const)
    if (!Number.isSafeInteger(b![k]) || (b![k] as number) < 0) fail(k);
  if ((b!.nextUpdate as number) <= (b!.issuedAt as number)) fail("nextUpdate before issuedAt");
  if (!Array.isArray(b!.serials) || b!.serials.length > MAX_SERIALS) fail("serials");
  for (const s of b!.serials as unknown[])
    if (typeof s !== "string" || !/^[0-9a-f]{1,64}$/.test(s)) fail("serial");
  return { body: b as unknown as CrlBody, signature: v.signature as string };
}

/** True when `crl` carries a valid signature by `issuerKey`. */
export function crlSignatureValid(crl: SignedCrl, issuerKey: KeyObject): boolean {
  try {
    return verify(
      "sha256",
      canonicalBytes(crl.body),
      { key: issuerKey, ...PSS },
      Buffer.from(crl.signature, "base64"),
    );
  } catch {
    return false;
  }
}
