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

  it("agrees with ecrecover on valid, foreign, altered, wrong-parity, malleable and short signatures", () => {
    const verifier = createSignatureVerifier();
    for (let round = 0; round < 3; round++) {
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
  });

  it("refuses r or s out of range, a v other than 27/28 (0/1 included, as the hub does), and a short digest", () => {
    const verifier = createSignatureVerifier();
    const d = digest(7);
    const sig = Signature.from(sign(alice, d));
    const zeroR = concat([toBeHex(0, 32), sig.s, "0x1b"]);
    const bigR = concat([toBeHex(N, 32), sig.s, "0x1b"]);
    const zeroS = concat([sig.r, toBeHex(0, 32), "0x1b"]);
    const badV = concat([sig.r, sig.s, "0x1d"]);
    for (const s of [zeroR, bigR, zeroS, badV])
      expect(verifier.verify(d, s, alice.address), s).to.equal("invalid");
    // OpenZeppelin's ECDSA hands v to ecrecover as is: 0/1 recovers nobody on-chain.
    const v01 = concat([sig.r, sig.s, sig.v === 27 ? "0x00" : "0x01"]);
    expect(verifier.verify(d, v01, alice.address), "v as 0/1").to.equal("invalid");
    expect(verifier.verify("0x1234", sign(alice, d), alice.address)).to.equal("invalid");
    expect(verifier.verify(d, "not hex", alice.address)).to.equal("invalid");
  });
});
