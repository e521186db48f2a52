import { timingSafeEqual, X509Certificate, type KeyObject } from "node:crypto";
import { AttestationError } from "../errors.js";
import { certificateFingerprint } from "./certificates.js";
import { chainCacheKey, verifyChainStructure, type VerifiedChain } from "./chain.js";
import { crlSignatureValid, parseCrl, type SignedCrl } from "./crl.js";
import {
  checkQuoteSignature,
  computeReportData,
  parseQuote,
  type Quote,
  type QuoteBody,
} from "./quote.js";

export interface AttestationVerifierInit {
  /** The pinned attestation root certificate (PEM). */
  rootCertPem: string;
  /** Platform CA certificates (PEM) whose CRLs may be installed; each must be issued by the root. */
  issuerCertPems?: readonly string[];
  /** Revocation lists of the root and of those platform CAs. */
  crls?: readonly SignedCrl[];
  /** Milliseconds since the epoch. Default: Date.now. */
  clock?: () => number;
  /** Quotes older (or newer) than this are refused. Default: 300 s. */
  maxQuoteAgeSeconds?: number;
  /** Structurally verified chains kept in memory. Default: 1024. */
  maxCachedChains?: number;
}

/** A quote that verified: signature, chain, dates, revocation, and (when asked) reportData. */
export interface VerifiedQuote {
  body: QuoteBody;
  platformId: string;
  /** Serials of the platform certificate and platform CA (for audit). */
  serials: string[];
}

export interface AttestationVerifier {
  /** The pinned root certificate (PEM), for clients that verify evidence themselves. */
  readonly rootCertPem: string;
  /**
   * Verifies an untrusted quote. With `nonce`, also checks reportData binds enclave address,
   * encryption key and that nonce.
   * @throws AttestationError
   */
  verifyQuote(quote: unknown, nonce?: string): VerifiedQuote;
  /** Verifies a certificate chain now (dates and revocation included). */
  verifyChain(certChain: string[]): VerifiedChain;
  /**
   * Installs a CRL signed by the root or by a known platform CA (from init, or `issuerCertPem`,
   * which must be a CA certificate issued by the root). A CRL not newer than the installed one is
   * ignored, so an old list cannot be replayed over a new one.
   * @returns whether the CRL was installed.
   * @throws AttestationError("CrlInvalid")
   */
  updateCrl(crl: unknown, issuerCertPem?: string): boolean;
  /** Installed CRLs by issuer fingerprint. */
  crls(): SignedCrl[];
}

/**
 * The attestation verifier the SMS uses: pins the root, caches structurally verified chains and
 * re-checks validity dates and revocation lists on every call (a missing or stale CRL fails closed).
 */
export function createAttestationVerifier(init: AttestationVerifierInit): AttestationVerifier {
  const root = new X509Certificate(init.rootCertPem);
  const rootFingerprint = certificateFingerprint(root);
  const clock = init.clock ?? Date.now;
  const maxAge = init.maxQuoteAgeSeconds ?? 300;
  const maxChains = init.maxCachedChains ?? 1024;
  const chainCache = new Map<string, VerifiedChain>();
  const issuerKeys = new Map<string, KeyObject>([[rootFingerprint, root.publicKey]]);
  const crlByIssuer = new Map<string, SignedCrl>();

  const learnIssuer = (pem: string) => {
    let ca: X509Certificate;
    try {
      ca = new X509Certificate(pem);
    } catch (cause) {
      throw new AttestationError("CrlInvalid", "The CRL issuer certificate does not parse.", {
        cause,
      });
    }
    if (!ca.ca || !ca.checkIssued(root) || !ca.verify(root.publicKey))
      throw new AttestationError("CrlInvalid", "The CRL issuer is not a CA issued by the root.");
    issuerKeys.set(certificateFingerprint(ca), ca.publicKey);
  };
  const installCrl = (value: unknown, issuerCertPem?: string): boolean => {
    const crl = parseCrl(value);
    if (issuerCertPem !== undefined) learnIssuer(issuerCertPem);
    const key = issuerKeys.get(crl.body.issuer);
    if (!key) throw new AttestationError("CrlInvalid", "The CRL issuer is unknown.");
    if (!crlSignatureValid(crl, key))
      throw new AttestationError("CrlInvalid", "The revocation list signature is invalid.");
    const current = crlByIssuer.get(crl.body.issuer);
    if (current && current.body.issuedAt >= crl.body.issuedAt) return false;
    crlByIssuer.set(crl.body.issuer, crl);
    return true;
  };
  for (const pem of init.issuerCertPems ?? []) learnIssuer(pem);
  for (const crl of init.crls ?? []) installCrl(crl);

  const checkCrl = (issuer: string, serial: string, now: number) => {
    const crl = crlByIssuer.get(issuer);
    if (!crl) throw new AttestationError("CrlMissing", `No revocation list for issuer ${issuer}.`);
    const nowSeconds = Math.floor(now / 1000);
    if (nowSeconds >= crl.body.nextUpdate || crl.body.issuedAt > nowSeconds + 300)
      throw new AttestationError("CrlStale", "The revocation list is out of date.", {
        hint: "Publish a fresh CRL (scripts/attestation/revoke.ts --refresh).",
      });
    if (crl.body.serials.includes(serial))
      throw new AttestationError("CertificateRevoked", `Certificate ${serial} is revoked.`);
  };

  const verifyChain = (certChain: string[]): VerifiedChain => {
    const cacheKey = chainCacheKey(certChain);
    let chain = chainCache.get(cacheKey);
    if (!chain) {
      chain = verifyChainStructure(certChain, root);
      if (chainCache.size >= maxChains) chainCache.delete(chainCache.keys().next().value!);
      chainCache.set(cacheKey, chain);
    }
    const now = clock();
    for (const link of chain.links) {
      if (now < link.notBefore)
        throw new AttestationError("CertificateNotYetValid", `${link.subject} is not valid yet.`);
      if (now > link.notAfter)
        throw new AttestationError("CertificateExpired", `${link.subject} has expired.`);
    }
    // The root's CRL covers platform CAs; each platform CA's CRL covers its platforms.
    for (const link of chain.links.slice(0, 2)) checkCrl(link.issuer, link.serial, now);
    return chain;
  };

  return {
    rootCertPem: root.toString(),
    verifyChain,
    verifyQuote(value: unknown, nonce?: string): VerifiedQuote {
      const quote: Quote = parseQuote(value);
      const chain = verifyChain(quote.certChain);
      checkQuoteSignature(quote, chain);
      const nowSeconds = Math.floor(clock() / 1000);
      if (Math.abs(nowSeconds - quote.body.issuedAt) > maxAge)
        throw new AttestationError("QuoteStale", "The quote is too old or from the future.");
      if (nonce !== undefined) {
        const expected = computeReportData(
          quote.body.enclave,
          Buffer.from(quote.body.encryptionKey, "base64"),
          nonce,
        );
        const a = Buffer.from(expected.slice(2), "hex");
        const b = Buffer.from(quote.body.reportData.slice(2), "hex");
        if (a.length !== b.length || !timingSafeEqual(a, b))
          throw new AttestationError(
            "ReportDataMismatch",
            "reportData does not bind this enclave, key and nonce.",
          );
      }
      return {
        body: quote.body,
        platformId: chain.platformId,
        serials: chain.links.slice(0, 2).map((l) => l.serial),
      };
    },
    updateCrl: installCrl,
    crls: () => [...crlByIssuer.values()],
  };
}
