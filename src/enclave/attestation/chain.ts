import { createHash, X509Certificate, type KeyObject } from "node:crypto";
import { forge } from "./forge.js";
import { AttestationError } from "../errors.js";
import { TCB_EXTENSION_OID, certificateFingerprint, normalizeSerial } from "./certificates.js";

/** One certificate of a verified chain: what is re-checked on every use (dates, revocation). */
export interface ChainLink {
  fingerprint: string;
  serial: string;
  /** Fingerprint of the certificate that signed this one. */
  issuer: string;
  notBefore: number;
  notAfter: number;
  subject: string;
}

/** A chain whose signatures, roles and key usages verified to the pinned root. */
export interface VerifiedChain {
  /** The platform key that signs quotes. */
  platformKey: KeyObject;
  /** Common name of the platform certificate. */
  platformId: string;
  /** Platform certificate, platform CA, root: each with its issuer. */
  links: ChainLink[];
  /** The TCB level the authority certified for this platform. */
  tcb: { status: string; securityVersion: number };
}

/**
 * Verifies the structure of [platform cert, platform CA cert(, root)] against the pinned root with
 * node:crypto (signatures, issuer names, basic constraints) and cross-checks with node-forge's
 * `verifyCertificateChain` (signatures, CA flags, key usage, path length). Dates and revocation are
 * NOT checked here: they change over time and are checked on every use by the verifier.
 * @throws AttestationError("ChainInvalid" | "ChainNotRooted")
 */
export function verifyChainStructure(certChain: string[], root: X509Certificate): VerifiedChain {
  let certs: X509Certificate[];
  try {
    certs = certChain.map((pem) => new X509Certificate(pem));
  } catch (cause) {
    throw new AttestationError("ChainInvalid", "A certificate in the chain does not parse.", {
      cause,
    });
  }
  const rootFingerprint = certificateFingerprint(root);
  if (certs.length === 3) {
    if (certificateFingerprint(certs[2]) !== rootFingerprint)
      throw new AttestationError("ChainNotRooted", "The chain ends at a root that is not pinned.");
    certs = certs.slice(0, 2);
  }
  if (certs.length !== 2)
    throw new AttestationError("ChainInvalid", "Expected [platform, platform CA] certificates.");
  const [leaf, ca] = certs;

  // node:crypto: each certificate is signed by the next, and the CA by the pinned root.
  if (!ca.checkIssued(root) || !ca.verify(root.publicKey))
    throw new AttestationError(
      "ChainNotRooted",
      "The platform CA is not issued by the pinned root.",
    );
  if (!leaf.checkIssued(ca) || !leaf.verify(ca.publicKey))
    throw new AttestationError("ChainInvalid", "The platform certificate is not signed by its CA.");
  if (!root.ca || !ca.ca || leaf.ca)
    throw new AttestationError("ChainInvalid", "Basic constraints do not match the roles.");
  checkKeyUsage(leaf, ca, root);

  // node-forge cross-check of the same chain (its own ASN.1 parser and RSA implementation).
  let forgeOk = false;
  try {
    const store = forge().pki.createCaStore([root.toString()]);
    forgeOk =
      forge().pki.verifyCertificateChain(
        store,
        [
          forge().pki.certificateFromPem(leaf.toString()),
          forge().pki.certificateFromPem(ca.toString()),
        ],
        // Dates are checked by the verifier on every use.
        { validityCheckDate: null },
      ) === true;
  } catch (cause) {
    throw new AttestationError("ChainInvalid", "node-forge rejects the certificate chain.", {
      cause,
    });
  }
  if (!forgeOk) throw new AttestationError("ChainInvalid", "node-forge rejects the chain.");

  const link = (c: X509Certificate, issuer: X509Certificate): ChainLink => ({
    fingerprint: certificateFingerprint(c),
    serial: normalizeSerial(c.serialNumber),
    issuer: certificateFingerprint(issuer),
    notBefore: Date.parse(c.validFrom),
    notAfter: Date.parse(c.validTo),
    subject: c.subject,
  });
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(leaf.subject)?.[1];
  if (!cn) throw new AttestationError("ChainInvalid", "The platform certificate has no CN.");
  return {
    platformKey: leaf.publicKey,
    platformId: cn,
    tcb: certifiedTcb(leaf),
    links: [link(leaf, ca), link(ca, root), link(root, root)],
  };
}

/** The TCB extension of a platform certificate. @throws AttestationError("ChainInvalid") */
function certifiedTcb(leaf: X509Certificate): { status: string; securityVersion: number } {
  const f = forge();
  // @types/node-forge types `id` as a number; forge matches extensions by OID string.
  const byOid = { id: TCB_EXTENSION_OID } as unknown as { id: number };
  const ext = f.pki.certificateFromPem(leaf.toString()).getExtension(byOid) as
    { value?: string } | undefined;
  let text = "";
  try {
    text = f.util.decodeUtf8(f.asn1.fromDer(ext?.value ?? "").value as string);
  } catch {
    text = "";
  }
  const m = /^([A-Za-z]+);(\d{1,9})$/.exec(text);
  if (!m) throw new AttestationError("ChainInvalid", "The platform certificate has no TCB level.");
  return { status: m[1], securityVersion: Number(m[2]) };
}

/** keyUsage: CAs must allow keyCertSign, the platform key digitalSignature and no cert signing. */
function checkKeyUsage(leaf: X509Certificate, ca: X509Certificate, root: X509Certificate): void {
  const usage = (c: X509Certificate) =>
    forge().pki.certificateFromPem(c.toString()).getExtension("keyUsage") as
      { keyCertSign?: boolean; digitalSignature?: boolean } | undefined;
  const l = usage(leaf);
  if (!l?.digitalSignature || l.keyCertSign)
    throw new AttestationError("ChainInvalid", "The platform key usage is not digitalSignature.");
  for (const c of [ca, root])
    if (!usage(c)?.keyCertSign)
      throw new AttestationError("ChainInvalid", "A CA certificate lacks keyCertSign.");
}

/** Cache key of a chain: sha256 over its PEMs. */
export function chainCacheKey(certChain: string[]): string {
  const h = createHash("sha256");
  for (const pem of certChain) h.update(pem).update("\0");
  return h.digest("hex");
}
