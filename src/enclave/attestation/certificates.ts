import { createHash, generateKeyPairSync, randomBytes, X509Certificate } from "node:crypto";
import { forge } from "./forge.js";

/** An RSA key pair in PEM (PKCS#8 private key, SPKI public key). */
export interface RsaKeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

/** A certificate with its private key. */
export interface IssuedCertificate {
  certPem: string;
  privateKeyPem: string;
}

/** What the certificate is for: a CA (root or platform CA) or a platform (quote signing) key. */
export type CertificateRole = "root" | "platform-ca" | "platform";

export interface IssueCertificateParameters {
  role: CertificateRole;
  commonName: string;
  /** The subject's public key (SPKI PEM). */
  publicKeyPem: string;
  /** Issuer's certificate and key; absent for a self-signed root. */
  issuer?: IssuedCertificate;
  /** Signing key of a self-signed root. */
  selfPrivateKeyPem?: string;
  notBefore: Date;
  notAfter: Date;
  /** Platform certificates: the TCB level the authority vouches for (see {@link TCB_EXTENSION_OID}). */
  tcb?: { status: string; securityVersion: number };
}

/**
 * Private extension of platform certificates carrying the TCB level the authority assessed, as a
 * UTF8String "<status>;<securityVersion>" (e.g. "UpToDate;3"). A quote must claim exactly this.
 */
export const TCB_EXTENSION_OID = "1.3.6.1.4.1.57264.1.1";

const ORGANIZATION = "Polis simulated attestation";

/** A fresh RSA-2048 key pair, generated with node:crypto (forge's pure-JS keygen is slow). */
export function generateRsaKeyPair(): RsaKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
    publicKeyPem: publicKey.export({ format: "pem", type: "spki" }).toString(),
  };
}

/**
 * Issues an X.509 v3 certificate with node-forge (RSA, SHA-256). CAs get basicConstraints cA
 * (path length 1 for the root, 0 for the platform CA) and keyCertSign + cRLSign; platform
 * certificates get cA false and digitalSignature only. Serial numbers are 16 random bytes.
 */
export function issueCertificate(p: IssueCertificateParameters): string {
  const cert = forge().pki.createCertificate();
  cert.publicKey = forge().pki.publicKeyFromPem(p.publicKeyPem);
  const serial = randomBytes(16);
  serial[0] &= 0x7f; // positive INTEGER
  serial[0] |= 0x10; // no leading zero byte, so every tool prints the same hex
  cert.serialNumber = serial.toString("hex");
  cert.validity.notBefore = p.notBefore;
  cert.validity.notAfter = p.notAfter;
  const subject = [
    { name: "commonName", value: p.commonName },
    { name: "organizationName", value: ORGANIZATION },
  ];
  cert.setSubject(subject);
  let signingKeyPem: string;
  if (p.issuer) {
    const issuerCert = forge().pki.certificateFromPem(p.issuer.certPem);
    cert.setIssuer(issuerCert.subject.attributes);
    signingKeyPem = p.issuer.privateKeyPem;
  } else {
    if (p.role !== "root" || !p.selfPrivateKeyPem)
      throw new Error("only a root certificate is self-signed");
    cert.setIssuer(subject);
    signingKeyPem = p.selfPrivateKeyPem;
  }
  const isCa = p.role !== "platform";
  cert.setExtensions([
    isCa
      ? {
          name: "basicConstraints",
          cA: true,
          pathLenConstraint: p.role === "root" ? 1 : 0,
          critical: true,
        }
      : { name: "basicConstraints", cA: false, critical: true },
    isCa
      ? { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true }
      : { name: "keyUsage", digitalSignature: true, critical: true },
    { name: "subjectKeyIdentifier" },
    ...(p.tcb
      ? [
          {
            id: TCB_EXTENSION_OID,
            critical: false,
            value: forge().asn1.create(
              forge().asn1.Class.UNIVERSAL,
              forge().asn1.Type.UTF8,
              false,
              forge().util.encodeUtf8(`${p.tcb.status};${p.tcb.securityVersion}`),
            ),
          },
        ]
      : []),
  ]);
  cert.sign(forge().pki.privateKeyFromPem(signingKeyPem), forge().md.sha256.create());
  return forge().pki.certificateToPem(cert).replace(/\r\n/g, "\n");
}

/** sha256 fingerprint of a certificate's DER, lowercase hex without separators. */
export function certificateFingerprint(cert: X509Certificate | string): string {
  const x = typeof cert === "string" ? new X509Certificate(cert) : cert;
  return createHash("sha256").update(x.raw).digest("hex");
}

/** A serial number in the one form CRLs use: lowercase hex, no leading zeros. */
export function normalizeSerial(serial: string): string {
  const s = serial
    .toLowerCase()
    .replace(/^0x/, "")
    .replace(/[^0-9a-f]/g, "")
    .replace(/^0+/, "");
  return s === "" ? "0" : s;
}

/** Splits a PEM bundle into its certificates. */
export function splitPemChain(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
}
