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
 * Verifies 65-byte low-s ECDSA signatures against an expected signer, as the hub does. The first
 * signature of a signer is checked by public-key recovery (about 2 ms in pure JS); its public key
 * is then cached with precomputed multiples, so later signatures of the same wallet verify as
 * u1*G + u2*P with the same recovery parity (about 3x faster), which is exactly `ecrecover == signer`.
 */
export interface SignatureVerifier {
  verify(digest: string, signature: string, signer: string): EcdsaStatus;
}

/** @param maxKeys Public keys kept (least recently used are dropped). */
export function createSignatureVerifier(maxKeys = 4096): SignatureVerifier {
  const keys = new Map<string, Point>();

  const remember = (signer: string, publicKey: string) => {
    const point = secp256k1.ProjectivePoint.fromHex(publicKey.slice(2));
    point._setWindowSize(PRECOMPUTE_WINDOW);
    if (keys.size >= maxKeys) keys.delete(keys.keys().next().value!);
    keys.set(signer, point);
  };

  return {
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
        const z = mod(BigInt(digest), N);
        const sInv = invert(s, N);
        const u1 = mod(z * sInv, N);
        const base =
          u1 === 0n ? secp256k1.ProjectivePoint.ZERO : secp256k1.ProjectivePoint.BASE.multiply(u1);
        const R = base.add(point.multiply(mod(r * sInv, N))).toAffine();
        return R.x % N === r && Number(R.y & 1n) === v - 27 ? "valid" : "invalid";
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
