import { X509Certificate } from "node:crypto";
import { getAddress } from "ethers";
import { AttestationError } from "../errors.js";
import { crlSignatureValid, parseCrl } from "./crl.js";
import { verifyChainStructure } from "./chain.js";
import { checkQuoteSignature, parseQuote, type QuoteBody } from "./quote.js";

/** What an auditor expects the attested enclave to be: the one that signed the on-chain result. */
export interface EvidenceExpectation {
  /** The enclave address recorded with the result. */
  enclave: string;
  /** The deal's app measurement. */
  mrenclave: string;
}

/** A quote that held, after the fact: who attested what, and when. */
export interface VerifiedEvidence {
  body: QuoteBody;
  platformId: string;
  tcb: { status: string; securityVersion: number };
  /** Serials of the platform certificate and its platform CA. */
  serials: string[];
  /** Revocation lists that were consulted (issuer fingerprints). */
  crlsChecked: string[];
}

/**
 * Verifies attestation evidence after the task ran, as an auditor does: the quote's chain to the
 * pinned root (signatures, roles, key usage), every certificate valid when the quote was issued,
 * the platform's signature over the quote, the certified TCB, and that the quote names the
 * on-chain enclave and the deal's measurement and is not a debug enclave. Revocation lists, when
 * given, must be signed by a CA of the chain; a certificate they list fails the evidence (revoked
 * since, or before). Unlike the SMS's live check, freshness is not required.
 * @throws AttestationError
 */
export function verifyAttestationEvidence(
  quoteValue: unknown,
  rootCertPem: string,
  expected: EvidenceExpectation,
  crls: readonly unknown[] = [],
): VerifiedEvidence {
  const quote = parseQuote(quoteValue);
  let root: X509Certificate;
  try {
    root = new X509Certificate(rootCertPem);
  } catch (cause) {
    throw new AttestationError("ChainNotRooted", "The attestation root does not parse.", { cause });
  }
  const chain = verifyChainStructure(quote.certChain, root);
  const at = quote.body.issuedAt * 1000;
  for (const link of chain.links) {
    if (at < link.notBefore)
      throw new AttestationError("CertificateNotYetValid", `${link.subject} was not valid yet.`);
    if (at > link.notAfter)
      throw new AttestationError("CertificateExpired", `${link.subject} had expired.`);
  }
  checkQuoteSignature(quote, chain);
  if (getAddress(quote.body.enclave) !== getAddress(expected.enclave))
    throw new AttestationError(
      "ReportDataMismatch",
      `The quote attests enclave ${quote.body.enclave}, not ${expected.enclave}.`,
    );
  if (quote.body.mrenclave.toLowerCase() !== expected.mrenclave.toLowerCase())
    throw new AttestationError(
      "ReportDataMismatch",
      `The quote measures ${quote.body.mrenclave}, not the deal's ${expected.mrenclave}.`,
    );
  if (quote.body.debug)
    throw new AttestationError("TcbMismatch", "The quote comes from a debug enclave.");

  // Revocation: the root's CRL covers platform CAs, a platform CA's CRL covers its platforms.
  const ca = new X509Certificate(quote.certChain[1]);
  const issuers = new Map([
    [chain.links[1].issuer, root.publicKey],
    [chain.links[0].issuer, ca.publicKey],
  ]);
  const checked: string[] = [];
  for (const value of crls) {
    const crl = parseCrl(value);
    const key = issuers.get(crl.body.issuer);
    if (!key) continue; // another CA's list
    if (!crlSignatureValid(crl, key))
      throw new AttestationError("CrlInvalid", "A revocation list signature is invalid.");
    checked.push(crl.body.issuer);
    for (const link of chain.links.slice(0, 2))
      if (link.issuer === crl.body.issuer && crl.body.serials.includes(link.serial))
        throw new AttestationError("CertificateRevoked", `${link.subject} is revoked.`);
  }
  return {
    body: quote.body,
    platformId: chain.platformId,
    tcb: chain.tcb,
    serials: chain.links.slice(0, 2).map((l) => l.serial),
    crlsChecked: checked,
  };
}
