import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { Wallet, hexlify } from "ethers";
import {
  createAuthority,
  enrolPlatform,
  issueCrl,
  serialOf,
} from "../../src/enclave/attestation/authority.js";
import { verifyAttestationEvidence } from "../../src/enclave/attestation/evidence.js";
import {
  computeReportData,
  signQuote,
  type QuoteBody,
} from "../../src/enclave/attestation/quote.js";
import { AttestationError } from "../../src/enclave/errors.js";

const authority = createAuthority({ name: "Evidence", now: Date.now() - 30 * 86_400_000 });
const host = enrolPlatform(authority, { platformId: "evidence-host" });
const MRENCLAVE = "0x" + "cd".repeat(32);

function evidence(body: Partial<QuoteBody> = {}, identity = host) {
  const enclave = new Wallet(hexlify(randomBytes(32)));
  const key = randomBytes(32);
  const quote = signQuote(
    {
      mrenclave: MRENCLAVE,
      debug: false,
      securityVersion: 1,
      tcbStatus: "UpToDate",
      enclave: enclave.address,
      encryptionKey: key.toString("base64"),
      reportData: computeReportData(enclave.address, key, hexlify(randomBytes(32))),
      platformId: identity.platformId,
      issuedAt: Math.floor(Date.now() / 1000),
      networkIsolated: true,
      ...body,
    },
    identity.privateKeyPem,
    identity.certChain,
  );
  return { quote, expected: { enclave: enclave.address, mrenclave: MRENCLAVE } };
}

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(AttestationError);
    return (e as AttestationError).reason;
  }
  return "accepted";
}

describe("Attestation evidence, verified after the fact (auditors)", () => {
  it("accepts a quote chained to the root, naming the on-chain enclave and the deal's measurement", () => {
    const { quote, expected } = evidence();
    const crls = [issueCrl(authority.root), issueCrl(authority.platformCa)];
    const v = verifyAttestationEvidence(quote, authority.root.certPem, expected, crls);
    expect(v.platformId).to.equal("evidence-host");
    expect(v.crlsChecked).to.have.length(2);
  });

  it("accepts an old quote: freshness is the SMS's concern, not the auditor's", () => {
    const enrolled = enrolPlatform(authority, {
      platformId: "enrolled-long-ago",
      notBefore: new Date(Date.now() - 10 * 86_400_000),
    });
    const { quote, expected } = evidence(
      { issuedAt: Math.floor(Date.now() / 1000) - 3 * 86_400 },
      enrolled,
    );
    expect(
      reasonOf(() => verifyAttestationEvidence(quote, authority.root.certPem, expected)),
    ).to.equal("accepted");
  });

  it("refuses a quote for another enclave or another measurement", () => {
    const { quote, expected } = evidence();
    const other = Wallet.createRandom().address;
    expect(
      reasonOf(() =>
        verifyAttestationEvidence(quote, authority.root.certPem, { ...expected, enclave: other }),
      ),
    ).to.equal("ReportDataMismatch");
    expect(
      reasonOf(() =>
        verifyAttestationEvidence(quote, authority.root.certPem, {
          ...expected,
          mrenclave: "0x" + "00".repeat(32),
        }),
      ),
    ).to.equal("ReportDataMismatch");
  });

  it("refuses a quote chained to another authority's root", () => {
    const rogue = createAuthority({ name: "Rogue" });
    const rogueHost = enrolPlatform(rogue, { platformId: "evidence-host" });
    const { quote, expected } = evidence({}, rogueHost);
    expect(
      reasonOf(() => verifyAttestationEvidence(quote, authority.root.certPem, expected)),
    ).to.equal("ChainNotRooted");
  });

  it("refuses a tampered quote body, a debug enclave and a quote issued before its certificate", () => {
    const { quote, expected } = evidence();
    const tampered = { ...quote, body: { ...quote.body, networkIsolated: false } };
    expect(
      reasonOf(() => verifyAttestationEvidence(tampered, authority.root.certPem, expected)),
    ).to.equal("QuoteSignatureInvalid");
    const debug = evidence({ debug: true });
    expect(
      reasonOf(() =>
        verifyAttestationEvidence(debug.quote, authority.root.certPem, debug.expected),
      ),
    ).to.equal("TcbMismatch");
    const early = evidence({ issuedAt: Math.floor(Date.now() / 1000) - 400 * 86_400 });
    expect(
      reasonOf(() =>
        verifyAttestationEvidence(early.quote, authority.root.certPem, early.expected),
      ),
    ).to.equal("CertificateNotYetValid");
  });

  it("fails a platform the authority revoked, and a forged revocation list", () => {
    const { quote, expected } = evidence();
    const revoking = issueCrl(authority.platformCa, { serials: [serialOf(host.certPem)] });
    expect(
      reasonOf(() =>
        verifyAttestationEvidence(quote, authority.root.certPem, expected, [revoking]),
      ),
    ).to.equal("CertificateRevoked");
    const forged = { ...issueCrl(authority.platformCa), signature: revoking.signature };
    expect(
      reasonOf(() => verifyAttestationEvidence(quote, authority.root.certPem, expected, [forged])),
    ).to.equal("CrlInvalid");
  });

  it("refuses malformed evidence", () => {
    const { expected } = evidence();
    expect(
      reasonOf(() => verifyAttestationEvidence({}, authority.root.certPem, expected)),
    ).to.equal("QuoteMalformed");
    expect(
      reasonOf(() => verifyAttestationEvidence("x", authority.root.certPem, expected)),
    ).to.equal("QuoteMalformed");
  });
});
