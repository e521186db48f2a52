import { BaseError, type BaseErrorOptions } from "../core/errors/index.js";

/** Why an attestation (certificate chain, revocation list or quote) was refused. */
export type AttestationFailure =
  | "QuoteMalformed"
  | "QuoteSignatureInvalid"
  | "QuoteStale"
  | "ReportDataMismatch"
  | "TcbMismatch"
  | "ChainInvalid"
  | "ChainNotRooted"
  | "CertificateExpired"
  | "CertificateNotYetValid"
  | "CertificateRevoked"
  | "CrlMissing"
  | "CrlStale"
  | "CrlInvalid";

/**
 * An attestation check failed. `reason` is a stable literal callers and tests switch on.
 * @example if (e instanceof AttestationError && e.reason === "CertificateRevoked") ...
 */
export class AttestationError extends BaseError {
  override name = "AttestationError" as const;
  readonly reason: AttestationFailure;

  constructor(reason: AttestationFailure, shortMessage: string, options: BaseErrorOptions = {}) {
    super(shortMessage, options);
    this.reason = reason;
  }
}

/** Why the enclave runtime refused or failed a task. */
export type EnclaveFailure =
  | "BundleInvalid"
  | "ConfigInvalid"
  | "SessionRefused"
  | "SessionResponseInvalid"
  | "DatasetUnavailable"
  | "DatasetChecksumMismatch"
  | "DatasetDecryptFailed"
  | "BeneficiaryKeyMissing"
  | "AppFailed"
  | "AppTimeout"
  | "AppCpuLimit"
  | "AppMemoryLimit"
  | "OutputTooLarge"
  | "OutputInvalid"
  | "HostCrashed"
  | "HostStopped"
  | "HostInternal"
  | "WorkerHookFailed";

/** The enclave runtime could not complete a task. No secret or enclave key is ever attached. */
export class EnclaveError extends BaseError {
  override name = "EnclaveError" as const;
  readonly reason: EnclaveFailure;

  constructor(reason: EnclaveFailure, shortMessage: string, options: BaseErrorOptions = {}) {
    super(shortMessage, options);
    this.reason = reason;
  }
}
