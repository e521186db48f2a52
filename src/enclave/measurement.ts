import {
  AppBundleError,
  loadBundle as loadCoreBundle,
  validateEnclaveConfig as validateCoreConfig,
  type EnclaveConfig,
} from "../core/measurement.js";
import { EnclaveError } from "./errors.js";

// The measurement itself lives in src/core (the CLI computes it at deploy time); the enclave
// reports bundle and config problems with its own failure reasons.
export {
  MEASUREMENT_MAGIC,
  enclaveConfigHash,
  isSafeRelativePath,
  measureApp,
  type EnclaveConfig,
  type EnclaveLimits,
} from "../core/measurement.js";

function asEnclaveError(err: unknown): never {
  if (err instanceof AppBundleError)
    throw new EnclaveError(err.reason, err.shortMessage, { cause: err });
  throw err;
}

/**
 * Checks an enclave config's shape and bounds.
 * @throws EnclaveError("ConfigInvalid")
 */
export function validateEnclaveConfig(value: unknown): EnclaveConfig {
  try {
    return validateCoreConfig(value);
  } catch (err) {
    return asEnclaveError(err);
  }
}

/**
 * Reads an app bundle (folder or Polis archive) as the bytes that are measured.
 * @throws EnclaveError("BundleInvalid")
 */
export async function loadBundle(path: string): Promise<Buffer> {
  return loadCoreBundle(path).catch(asEnclaveError);
}
