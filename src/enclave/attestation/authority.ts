import { X509Certificate } from "node:crypto";
import {
  certificateFingerprint,
  generateRsaKeyPair,
  issueCertificate,
  normalizeSerial,
  type IssuedCertificate,
} from "./certificates.js";
import { signCrl, type SignedCrl } from "./crl.js";
import type { TcbStatus } from "./quote.js";

/** The simulated attestation authority: a root CA and one platform CA, with their keys. */
export interface Authority {
  root: IssuedCertificate;
  platformCa: IssuedCertificate;
}

/** A worker host's platform identity: the quote-signing key and its chain. */
export interface PlatformIdentity {
  platformId: string;
  privateKeyPem: string;
  certPem: string;
  /** [platform cert, platform CA cert]: attached to every quote. */
  certChain: string[];
  /** The root the SMS pins (for the host's own checks). */
  rootCertPem: string;
  tcbStatus: TcbStatus;
  securityVersion: number;
}

const DAY = 86_400_000;

export interface CreateAuthorityParameters {
  name?: string;
  now?: number;
  rootValidityDays?: number;
  caValidityDays?: number;
}

/**
 * Creates a root CA and a platform CA (root -> platform CA).
 * @example const authority = createAuthority({ name: "Polis dev" });
 */
export function createAuthority(p: CreateAuthorityParameters = {}): Authority {
  const now = p.now ?? Date.now();
  const name = p.name ?? "Polis";
  const rootKeys = generateRsaKeyPair();
  const rootCert = issueCertificate({
    role: "root",
    commonName: `${name} attestation root`,
    publicKeyPem: rootKeys.publicKeyPem,
    selfPrivateKeyPem: rootKeys.privateKeyPem,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + (p.rootValidityDays ?? 3650) * DAY),
  });
  const root = { certPem: rootCert, privateKeyPem: rootKeys.privateKeyPem };
  const caKeys = generateRsaKeyPair();
  const caCert = issueCertificate({
    role: "platform-ca",
    commonName: `${name} platform CA`,
    publicKeyPem: caKeys.publicKeyPem,
    issuer: root,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + (p.caValidityDays ?? 1825) * DAY),
  });
  return { root, platformCa: { certPem: caCert, privateKeyPem: caKeys.privateKeyPem } };
}

export interface EnrolPlatformParameters {
  platformId: string;
  tcbStatus?: TcbStatus;
  securityVersion?: number;
  notBefore?: Date;
  notAfter?: Date;
  /** Issue for an existing public key (SPKI PEM) instead of generating one. */
  publicKeyPem?: string;
}

/**
 * Enrols a worker host: a fresh RSA platform key certified by the platform CA.
 * @example const identity = enrolPlatform(authority, { platformId: "worker-1" });
 */
export function enrolPlatform(authority: Authority, p: EnrolPlatformParameters): PlatformIdentity {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(p.platformId))
    throw new Error("platformId: 1-64 characters of [A-Za-z0-9._-]");
  const keys = p.publicKeyPem
    ? { publicKeyPem: p.publicKeyPem, privateKeyPem: "" }
    : generateRsaKeyPair();
  const now = Date.now();
  const certPem = issueCertificate({
    role: "platform",
    commonName: p.platformId,
    publicKeyPem: keys.publicKeyPem,
    issuer: authority.platformCa,
    notBefore: p.notBefore ?? new Date(now - 60_000),
    notAfter: p.notAfter ?? new Date(now + 365 * DAY),
    tcb: { status: p.tcbStatus ?? "UpToDate", securityVersion: p.securityVersion ?? 1 },
  });
  return {
    platformId: p.platformId,
    privateKeyPem: keys.privateKeyPem,
    certPem,
    certChain: [certPem, authority.platformCa.certPem],
    rootCertPem: authority.root.certPem,
    tcbStatus: p.tcbStatus ?? "UpToDate",
    securityVersion: p.securityVersion ?? 1,
  };
}

export interface IssueCrlParameters {
  /** Serials to list (any hex form). */
  serials?: readonly string[];
  now?: number;
  /** Validity of the list. Default: 7 days. */
  validitySeconds?: number;
}

/** A CRL signed by `issuer` (the root for platform CAs, the platform CA for platforms). */
export function issueCrl(issuer: IssuedCertificate, p: IssueCrlParameters = {}): SignedCrl {
  const now = Math.floor((p.now ?? Date.now()) / 1000);
  return signCrl(
    {
      version: 1,
      issuer: certificateFingerprint(issuer.certPem),
      issuedAt: now,
      nextUpdate: now + (p.validitySeconds ?? 7 * 86_400),
      serials: (p.serials ?? []).map(normalizeSerial),
    },
    issuer.privateKeyPem,
  );
}

/** Serial of a certificate PEM, in CRL form. */
export function serialOf(certPem: string): string {
  return normalizeSerial(new X509Certificate(certPem).serialNumber);
}
