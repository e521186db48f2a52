import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { X509Certificate, randomBytes } from "node:crypto";
import { Wallet, hexlify } from "ethers";
import {
  createAuthority,
  enrolPlatform,
  issueCrl,
  serialOf,
} from "../../src/enclave/attestation/authority.js";
import {
  generateRsaKeyPair,
  issueCertificate,
} from "../../src/enclave/attestation/certificates.js";
import { loadAuthorityCrls, loadHostIdentity } from "../../src/enclave/attestation/files.js";
import {
  computeReportData,
  signQuote,
  type QuoteBody,
} from "../../src/enclave/attestation/quote.js";
import { createAttestationVerifier } from "../../src/enclave/attestation/verifier.js";
import { AttestationError } from "../../src/enclave/errors.js";

const authority = createAuthority({ name: "Unit" });
const host = enrolPlatform(authority, { platformId: "unit-host" });
const crls = () => [issueCrl(authority.root), issueCrl(authority.platformCa)];
const verifier = (o: Partial<Parameters<typeof createAttestationVerifier>[0]> = {}) =>
  createAttestationVerifier({
    rootCertPem: authority.root.certPem,
    issuerCertPems: [authority.platformCa.certPem],
    crls: crls(),
    ...o,
  });

function expectAttestationError(fn: () => unknown, reason: string) {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(AttestationError);
    expect((e as AttestationError).reason).to.equal(reason);
    return;
  }
  expect.fail(`expected AttestationError(${reason})`);
}

function quoteFor(
  identity = host,
  nonce = hexlify(randomBytes(32)),
  body: Partial<QuoteBody> = {},
) {
  const enclave = new Wallet(hexlify(randomBytes(32)));
  const key = randomBytes(32);
  return {
    nonce,
    quote: signQuote(
      {
        mrenclave: "0x" + "ab".repeat(32),
        debug: false,
        securityVersion: 1,
        tcbStatus: "UpToDate",
        enclave: enclave.address,
        encryptionKey: key.toString("base64"),
        reportData: computeReportData(enclave.address, key, nonce),
        platformId: identity.platformId,
        issuedAt: Math.floor(Date.now() / 1000),
        networkIsolated: true,
        ...body,
      },
      identity.privateKeyPem,
      identity.certChain,
    ),
  };
}

describe("Attestation authority and verifier", () => {
  describe("certificates", () => {
    it("issues root -> platform CA -> platform with the right constraints, readable by node:crypto", () => {
      const root = new X509Certificate(authority.root.certPem);
      const ca = new X509Certificate(authority.platformCa.certPem);
      const leaf = new X509Certificate(host.certPem);
      expect([root.ca, ca.ca, leaf.ca]).to.deep.equal([true, true, false]);
      expect(root.checkIssued(root) && ca.checkIssued(root) && leaf.checkIssued(ca)).to.equal(true);
      expect(ca.verify(root.publicKey) && leaf.verify(ca.publicKey)).to.equal(true);
      expect(leaf.subject).to.include("CN=unit-host");
    });

    it("verifies a quote whose chain leads to the pinned root, with or without the root attached", () => {
      const v = verifier();
      const { quote, nonce } = quoteFor();
      expect(v.verifyQuote(quote, nonce).platformId).to.equal("unit-host");
      const withRoot = { ...quote, certChain: [...quote.certChain, authority.root.certPem] };
      expect(v.verifyQuote(withRoot, nonce).serials).to.deep.equal([
        serialOf(host.certPem),
        serialOf(authority.platformCa.certPem),
      ]);
    });

    it("refuses a platform certificate signed by a key other than its claimed CA", () => {
      const rogue = createAuthority({ name: "Unit" }); // same names, other keys
      const impostor = enrolPlatform(rogue, { platformId: "unit-host" });
      const chain = [impostor.certPem, authority.platformCa.certPem];
      expectAttestationError(() => verifier().verifyChain(chain), "ChainInvalid");
      expectAttestationError(() => verifier().verifyChain(impostor.certChain), "ChainNotRooted");
    });

    it("refuses a CA certificate used as a platform certificate, and a platform key used as a CA", () => {
      const v = verifier();
      const keys = generateRsaKeyPair();
      const caAsLeaf = issueCertificate({
        role: "platform-ca",
        commonName: "sub-ca-posing-as-host",
        publicKeyPem: keys.publicKeyPem,
        issuer: authority.platformCa,
        notBefore: new Date(Date.now() - 1000),
        notAfter: new Date(Date.now() + 86_400_000),
      });
      expectAttestationError(
        () => v.verifyChain([caAsLeaf, authority.platformCa.certPem]),
        "ChainInvalid",
      );
      const underLeaf = issueCertificate({
        role: "platform",
        commonName: "grandchild",
        publicKeyPem: keys.publicKeyPem,
        issuer: { certPem: host.certPem, privateKeyPem: host.privateKeyPem },
        notBefore: new Date(Date.now() - 1000),
        notAfter: new Date(Date.now() + 86_400_000),
      });
      expectAttestationError(() => v.verifyChain([underLeaf, host.certPem]), "ChainNotRooted");
    });

    it("refuses a platform certificate that carries no certified TCB level", () => {
      const keys = generateRsaKeyPair();
      const bare = issueCertificate({
        role: "platform",
        commonName: "bare-host",
        publicKeyPem: keys.publicKeyPem,
        issuer: authority.platformCa,
        notBefore: new Date(Date.now() - 1000),
        notAfter: new Date(Date.now() + 86_400_000),
      });
      expectAttestationError(
        () => verifier().verifyChain([bare, authority.platformCa.certPem]),
        "ChainInvalid",
      );
      expect(verifier().verifyChain(host.certChain).tcb).to.deep.equal({
        status: "UpToDate",
        securityVersion: 1,
      });
    });

    it("checks validity dates on every use (expired, not yet valid)", () => {
      let now = Date.now();
      const v = verifier({ clock: () => now });
      const { quote, nonce } = quoteFor();
      expect(v.verifyQuote(quote, nonce).platformId).to.equal("unit-host");
      now += 400 * 86_400_000; // past the platform certificate's year (the CRL goes stale too, later)
      expectAttestationError(() => v.verifyChain(host.certChain), "CertificateExpired");
      const future = enrolPlatform(authority, {
        platformId: "future-host",
        notBefore: new Date(Date.now() + 86_400_000),
        notAfter: new Date(Date.now() + 2 * 86_400_000),
      });
      expectAttestationError(
        () => verifier().verifyChain(future.certChain),
        "CertificateNotYetValid",
      );
    });
  });

  describe("revocation lists", () => {
    it("fails closed without a CRL for an issuer in the chain", () => {
      const v = createAttestationVerifier({
        rootCertPem: authority.root.certPem,
        issuerCertPems: [authority.platformCa.certPem],
        crls: [issueCrl(authority.root)],
      });
      expectAttestationError(() => v.verifyChain(host.certChain), "CrlMissing");
    });

    it("fails closed once a CRL passes its nextUpdate", () => {
      let now = Date.now();
      const v = verifier({ clock: () => now });
      v.verifyChain(host.certChain);
      now += 8 * 86_400_000; // CRLs are valid 7 days
      expectAttestationError(() => v.verifyChain(host.certChain), "CrlStale");
    });

    it("refuses a CRL signed by the wrong key and ignores an older one", () => {
      const v = verifier();
      const wrong = issueCrl({
        certPem: authority.platformCa.certPem,
        privateKeyPem: authority.root.privateKeyPem,
      });
      expectAttestationError(() => v.updateCrl(wrong), "CrlInvalid");
      const revoking = issueCrl(authority.platformCa, {
        serials: [serialOf(host.certPem)],
        now: Date.now() + 2000,
      });
      expect(v.updateCrl(revoking)).to.equal(true);
      expectAttestationError(() => v.verifyChain(host.certChain), "CertificateRevoked");
      // Replaying the earlier (empty) list does not un-revoke.
      expect(v.updateCrl(issueCrl(authority.platformCa))).to.equal(false);
      expectAttestationError(() => v.verifyChain(host.certChain), "CertificateRevoked");
    });
  });

  describe("quotes", () => {
    it("refuses a stale quote, a wrong nonce and a platformId that is not the certificate's", () => {
      const v = verifier();
      const old = quoteFor(host, undefined, { issuedAt: Math.floor(Date.now() / 1000) - 3600 });
      expectAttestationError(() => v.verifyQuote(old.quote, old.nonce), "QuoteStale");
      const { quote } = quoteFor();
      expectAttestationError(
        () => v.verifyQuote(quote, hexlify(randomBytes(32))),
        "ReportDataMismatch",
      );
      const lying = quoteFor(host, undefined, { platformId: "other-host" });
      expectAttestationError(
        () => v.verifyQuote(lying.quote, lying.nonce),
        "QuoteSignatureInvalid",
      );
    });

    it("refuses malformed quotes: extra fields, wrong types, bad encodings", () => {
      const v = verifier();
      const { quote, nonce } = quoteFor();
      const variants: unknown[] = [
        null,
        "quote",
        { ...quote, extra: 1 },
        { ...quote, version: 2 },
        { ...quote, body: { ...quote.body, debug: "false" } },
        { ...quote, body: { ...quote.body, encryptionKey: "short" } },
        { ...quote, body: { ...quote.body, enclave: "0x1234" } },
        { ...quote, body: { ...quote.body, tcbStatus: "Fine" } },
        { ...quote, certChain: ["not a pem", "nor this"] },
        { ...quote, signature: "!!!" },
      ];
      for (const q of variants)
        expectAttestationError(() => v.verifyQuote(q, nonce), "QuoteMalformed");
    });
  });

  describe("scripts", function () {
    this.timeout(60_000);
    it("create an authority, enrol a host (keys 0400) and revoke it", async () => {
      const dir = mkdtempSync(join(tmpdir(), "polis-auth-"));
      const run = (script: string, ...args: string[]) =>
        spawnSync(
          process.execPath,
          ["--import", "tsx", `scripts/attestation/${script}.ts`, ...args],
          { encoding: "utf8" },
        );
      try {
        const a = join(dir, "authority");
        const hostDir = join(dir, "host-1");
        expect(run("create-authority", "--dir", a).status).to.equal(0);
        expect(run("create-authority", "--dir", a).status).to.equal(1); // never overwrites
        expect(
          run("enrol-host", "--authority", a, "--out", hostDir, "--platform-id", "host-1").status,
        ).to.equal(0);
        for (const key of [
          join(a, "root.key.pem"),
          join(a, "platform-ca.key.pem"),
          join(hostDir, "platform.key.pem"),
        ])
          expect(statSync(key).mode & 0o777, key).to.equal(0o400);
        const identity = await loadHostIdentity(hostDir);
        const v = () =>
          createAttestationVerifier({
            rootCertPem: readFileSync(join(a, "root.cert.pem"), "utf8"),
            issuerCertPems: [readFileSync(join(a, "platform-ca.cert.pem"), "utf8")],
            crls: [],
          });
        const fresh = v();
        for (const crl of await loadAuthorityCrls(a)) fresh.updateCrl(crl);
        expect(fresh.verifyChain(identity.certChain).platformId).to.equal("host-1");
        const revoke = run("revoke", "--authority", a, "--platform-id", "host-1");
        expect(revoke.status, revoke.stderr).to.equal(0);
        const after = v();
        for (const crl of await loadAuthorityCrls(a)) after.updateCrl(crl);
        expectAttestationError(() => after.verifyChain(identity.certChain), "CertificateRevoked");
        // The running verifier picks the newer list up even within the same second.
        for (const crl of await loadAuthorityCrls(a)) fresh.updateCrl(crl);
        expectAttestationError(() => fresh.verifyChain(identity.certChain), "CertificateRevoked");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
