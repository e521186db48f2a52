import { UserError } from "../core/errors/index.js";
import type { CliIo } from "./io.js";

/**
 * scrypt cost for new keystores: POLIS_SCRYPT_N (a power of two >= 1024, for tests and slow
 * machines), else ethers' default 2^17.
 */
export function scryptCost(io: CliIo): number | undefined {
  const raw = io.env.POLIS_SCRYPT_N;
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1024 || (n & (n - 1)) !== 0) {
    throw new UserError(`POLIS_SCRYPT_N=${raw} is not a power of two >= 1024.`);
  }
  return n;
}
