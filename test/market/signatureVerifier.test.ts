import { expect } from "chai";
import {
  Signature,
  Wallet,
  concat,
  type SigningKey,
  keccak256,
  recoverAddress,
  toBeHex,
  toUtf8Bytes,
} from "ethers";
import { createSignatureVerifier } from "../../src/market/signatureVerifier.js";

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

describe("market signature verifier", function () {
  const alice = Wallet.createRandom();
  const mallory = Wallet.createRandom();
  const digest = (i: number) => keccak256(toUtf8Bytes(`order ${i}`));
  const sign = (w: { signingKey: SigningKey }, d: string) => w.signingKey.sign(d).serialized;

  /** What the hub decides: ecrecover(digest, sig) == signer, low s, 65 bytes. */
  const hubVerdict = (d: string, sig: string, signer: string) => {
    const bytes = Buffer.from(sig.slice(2), "hex");
    if (bytes.length !== 65) return "bad-length";
    if (BigInt("0x" + bytes.subarray(32, 64).toString("hex")) > N / 2n) return "malleable";
    try {
      return recoverAddress(d, sig) === signer ? "valid" : "invalid";
    } catch {
      return "invalid";
    }
  };

  it("agrees with ecrecover on valid, foreign, altered, wrong-parity, malleable and short signatures, before and after caching", () => {
    const verifier = createSignatureVerifier();
    for (let round = 0; round < 3; round++) {
      // round 0: by recovery; round 1: caches alice's key; round 2: the cached fast path.
      const d = digest(round);
      const good = sign(alice, d);
      const sig = Signature.from(good);
      const flippedV = Signature.from({ r: sig.r, s: sig.s, v: sig.v === 27 ? 28 : 27 }).serialized;
      // The twin signature (r, n - s, other v) recovers the same key: the hub refuses it.
      const highS = concat([sig.r, toBeHex(N - BigInt(sig.s), 32), sig.v === 27 ? "0x1c" : "0x1b"]);
      const cases: Array<[string, string, string]> = [
        [d, good, alice.address],
        [digest(99), good, alice.address],
        [d, sign(mallory, d), alice.address],
        [d, good.slice(0, 10) + (good[10] === "0" ? "1" : "0") + good.slice(11), alice.address],
        [d, flippedV, alice.address],
        [d, good.slice(0, -2), alice.address],
      ];
      for (const [dd, s, who] of cases)
        expect(verifier.verify(dd, s, who), `round ${round}: ${s}`).to.equal(
          hubVerdict(dd, s, who),
        );
      expect(verifier.verify(d, highS, alice.address)).to.equal("malleable");
    }
    expect(verifier.cachedKeys()).to.equal(1);
  });

  it("caches only signers seen twice, and at most maxKeys of them", () => {
    const verifier = createSignatureVerifier(4);
    const wallets = Array.from({ length: 10 }, () => Wallet.createRandom());
    // One-off signers (a flood of fresh wallets) build no tables.
    for (const w of wallets)
      expect(verifier.verify(digest(1), sign(w, digest(1)), w.address)).to.equal("valid");
    expect(verifier.cachedKeys()).to.equal(0);
    for (const w of wallets)
      expect(verifier.verify(digest(2), sign(w, digest(2)), w.address)).to.equal("valid");
    expect(verifier.cachedKeys()).to.be.at.most(4);
    // Evicted or not, every signer still verifies.
    for (const w of wallets)
      expect(verifier.verify(digest(3), sign(w, digest(3)), w.address)).to.equal("valid");
  });
});
