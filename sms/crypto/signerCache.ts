import { getBytes, recoverAddress, SigningKey } from "ethers";

/** What this module needs from @noble/curves' secp256k1 (loaded if available). */
interface Point {
  /** Projective coordinates: x = px / pz. */
  readonly px: bigint;
  readonly pz: bigint;
  multiply(n: bigint): Point;
  add(p: Point): Point;
  toAffine(): { x: bigint; y: bigint };
  _setWindowSize(w: number): void;
}
interface Curve {
  ProjectivePoint: { BASE: Point; fromHex(hex: string): Point };
  CURVE: { n: bigint };
}

let curve: Curve | null | undefined;

/**
 * Verifies "is `signature` over `digest` by `expected`?" for secp256k1 signatures, fast for signers
 * seen before. A first signature from an address is checked by public-key recovery (ethers). Once
 * an address has signed validly twice, its public key is kept (bounded LRU) with a precomputed
 * multiplication table, and later signatures are checked with ECDSA verification against that key
 * (u1·G + u2·Q, two fixed-base multiplications), about three times cheaper than recovery. Workers
 * and schedulers are few and sign constantly, so the SMS hot path is almost always the fast one.
 */
export interface SignerCache {
  isSignedBy(digest: string, signature: string, expected: string): boolean;
  /** Cached public keys. */
  size(): number;
}

export interface SignerCacheOptions {
  /** Public keys kept. Default 256 (about 0.4 MB each with their tables). */
  maxKeys?: number;
  /** Disable the fast path (always recover). */
  recoverOnly?: boolean;
}

/** Loads the optional fast path once; without it, every check recovers. */
export async function loadSignerCurve(): Promise<boolean> {
  if (curve !== undefined) return curve !== null;
  try {
    const mod = (await import("@noble/curves/secp256k1" as string)) as { secp256k1: Curve };
    curve = mod.secp256k1;
  } catch {
    curve = null;
  }
  return curve !== null;
}

export function createSignerCache(options: SignerCacheOptions = {}): SignerCache {
  const maxKeys = options.maxKeys ?? 256;
  const keys = new Map<string, Point>();
  const seen = new Map<string, number>();

  const recover = (digest: string, signature: string): string | undefined => {
    try {
      return recoverAddress(digest, signature).toLowerCase();
    } catch {
      return undefined;
    }
  };

  const learn = (address: string, digest: string, signature: string) => {
    const count = (seen.get(address) ?? 0) + 1;
    if (count < 2) {
      if (seen.size >= maxKeys * 4) seen.clear();
      seen.set(address, count);
      return;
    }
    seen.delete(address);
    const publicKey = SigningKey.recoverPublicKey(digest, signature);
    const point = curve!.ProjectivePoint.fromHex(publicKey.slice(2));
    point._setWindowSize(8);
    point.multiply(1n); // builds the table now
    if (keys.size >= maxKeys) keys.delete(keys.keys().next().value!);
    keys.set(address, point);
  };

  return {
    size: () => keys.size,
    isSignedBy(digest, signature, expected) {
      const address = expected.toLowerCase();
      const point = curve ? keys.get(address) : undefined;
      if (point && !options.recoverOnly) {
        const verdict = verifyWithKey(point, digest, signature);
        if (verdict !== undefined) {
          keys.delete(address); // LRU: most recent last
          keys.set(address, point);
          return verdict;
        }
      }
      const ok = recover(digest, signature) === address;
      if (ok && curve && !options.recoverOnly && !keys.has(address))
        learn(address, digest, signature);
      return ok;
    },
  };
}

/**
 * ECDSA verification against a known key: x(u1·G + u2·Q) mod n == r, with u1 = e/s, u2 = r/s.
 * Returns undefined for encodings the fast path does not handle (the caller then recovers).
 */
function verifyWithKey(q: Point, digest: string, signature: string): boolean | undefined {
  const c = curve!;
  const n = c.CURVE.n;
  let sig: Uint8Array;
  let d: Uint8Array;
  try {
    sig = getBytes(signature);
    d = getBytes(digest);
  } catch {
    return false;
  }
  if (sig.length !== 65 || d.length !== 32) return undefined;
  const r = toBigInt(sig.subarray(0, 32));
  const s = toBigInt(sig.subarray(32, 64));
  if (r <= 0n || r >= n || s <= 0n || s >= n) return false;
  const e = toBigInt(d) % n;
  const w = invert(s, n);
  const u1 = (e * w) % n;
  const u2 = (r * w) % n;
  if (u1 === 0n || u2 === 0n) return undefined;
  const point = c.ProjectivePoint.BASE.multiply(u1).add(q.multiply(u2));
  if (point.pz % P === 0n) return false; // the point at infinity
  // x(R) mod n == r without the inversion of toAffine(): X == x·Z (mod p) for x in {r, r + n}.
  if ((point.px - r * point.pz) % P === 0n) return true;
  return r + n < P && (point.px - (r + n) * point.pz) % P === 0n;
}

/** The secp256k1 field prime. */
const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;

function toBigInt(bytes: Uint8Array): bigint {
  return BigInt("0x" + Buffer.from(bytes).toString("hex"));
}

/** a^-1 mod m (extended Euclid; m prime, 0 < a < m). */
function invert(a: bigint, m: bigint): bigint {
  let [r0, r1, t0, t1] = [m, a, 0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  return ((t0 % m) + m) % m;
}
