import { SigningKey, computeAddress, getBytes } from "ethers";
import { secp256k1 } from "@noble/curves/secp256k1";
import { invert, mod } from "@noble/curves/abstract/modular";

/** Outcome of an ECDSA check, mirroring contracts/libraries/Signatures.sol. */
export type EcdsaStatus = "valid" | "invalid" | "bad-length" | "malleable";

type Point = InstanceType<typeof secp256k1.ProjectivePoint>;

const N = secp256k1.CURVE.n;
const HALF_N = N >> 1n;
const PRECOMPUTE_WINDOW = 8;

/**
 * Verifies 65-byte low-s ECDSA signatures against an expected signer, as the hub does. A signature
 * is checked by public-key recovery (about 2 ms in pure JS) until its signer has signed validly
 * twice; the signer's public key is then cached with a precomputed table (about 0.35 MB), so later
 * signatures verify as u1*G + u2*P with the same recovery parity (about 3x faster), which is
 * exactly `ecrecover == signer`. Keys seen once are not cached: a flood of one-off wallets cannot
 * make the market build (CPU) and hold (memory) a table per signature.
 */
export interface SignatureVerifier {
  verify(digest: string, signature: string, signer: string): EcdsaStatus;
  /** Public keys cached with their tables. */
  cachedKeys(): number;
}

/** @param maxKeys Public keys kept (least recently used are dropped); ~0.35 MB each. */
export function createSignatureVerifier(maxKeys = 256): SignatureVerifier {
  const keys = new Map<string, Point>();
  const seen = new Set<string>();

  const remember = (signer: string, publicKey: string) => {
    if (!seen.has(signer)) {
      if (seen.size >= maxKeys * 4) seen.clear();
      seen.add(signer);
      return;
    }
    seen.delete(signer);
    const point = secp256k1.ProjectivePoint.fromHex(publicKey.slice(2));
    point._setWindowSize(PRECOMPUTE_WINDOW);
    if (keys.size >= maxKeys) keys.delete(keys.keys().next().value!);
    keys.set(signer, point);
  };

  return {
    cachedKeys: () => keys.size,
    verify(digest, signature, signer) {
      const bytes = getBytes(signature);
      if (bytes.length !== 65) return "bad-length";
      const r = toBigInt(bytes.subarray(0, 32));
      const s = toBigInt(bytes.subarray(32, 64));
      let v = bytes[64];
      if (v < 27) v += 27;
      if (s > HALF_N) return "malleable";
      if ((v !== 27 && v !== 28) || r === 0n || r >= N || s === 0n) return "invalid";
      const key = signer.toLowerCase();
      const point = keys.get(key);
      if (point) {
        keys.delete(key); // LRU: most recent last
        keys.set(key, point);
        const z = mod(BigInt(digest), N);
        const sInv = invert(s, N);
        const u1 = mod(z * sInv, N);
        const base =
          u1 === 0n ? secp256k1.ProjectivePoint.ZERO : secp256k1.ProjectivePoint.BASE.multiply(u1);
        const sum = base.add(point.multiply(mod(r * sInv, N)));
        if (sum.equals(secp256k1.ProjectivePoint.ZERO)) return "invalid";
        const R = sum.toAffine();
        // ecrecover takes r itself as R's x (never r + n), with v as y's parity.
        return R.x === r && Number(R.y & 1n) === v - 27 ? "valid" : "invalid";
      }
      let publicKey: string;
      try {
        publicKey = SigningKey.recoverPublicKey(digest, signature);
      } catch {
        return "invalid";
      }
      if (computeAddress(publicKey).toLowerCase() !== key) return "invalid";
      remember(key, publicKey);
      return "valid";
    },
  };
}

function toBigInt(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}
