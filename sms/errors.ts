import { BaseError, type BaseErrorOptions } from "../src/core/errors/index.js";
import type { AttestationFailure } from "../src/enclave/errors.js";

/** Why a key release was refused (the `reason` of ReleaseDenied, in responses and the audit log). */
export type DenialReason =
  | AttestationFailure
  | "RequestMalformed"
  | "NonceInvalid"
  | "NonceExpired"
  | "NonceReused"
  | "DebugEnclave"
  | "TcbRejected"
  | "SecurityVersionTooLow"
  | "NetworkIsolationRequired"
  | "WorkerSignatureInvalid"
  | "DealUnknown"
  | "TaskIdMismatch"
  | "DealNotTee"
  | "MeasurementMismatch"
  | "WorkerAuthorizationInvalid"
  | "TaskNotActive"
  | "TaskDeadlinePassed"
  | "DatasetGrantMissing"
  | "DatasetGrantRevoked"
  | "DatasetGrantExpired"
  | "DatasetGrantUsedUp"
  | "DatasetKeyMissing"
  | "RequesterSecretMissing"
  | "SecretCorrupt";

/** Why a secret push was refused. */
export type PushFailure =
  | "RequestMalformed"
  | "ValueInvalid"
  | "ChallengeInvalid"
  | "ChallengeExpired"
  | "ChallengeReused"
  | "SignatureInvalid"
  | "AssetUnknown"
  | "NotOwner";

/** Base of SMS errors: an HTTP status and a stable `reason` clients switch on. */
export class SmsError extends BaseError {
  override name: string = "SmsError";
  readonly status: number;
  readonly reason: string;

  constructor(
    status: number,
    reason: string,
    shortMessage: string,
    options: BaseErrorOptions = {},
  ) {
    super(shortMessage, options);
    this.status = status;
    this.reason = reason;
  }
}

/** The release policy refused a session (403; 400 for a malformed request). */
export class ReleaseDenied extends SmsError {
  override name = "ReleaseDenied" as const;
  declare readonly reason: DenialReason;

  constructor(reason: DenialReason, shortMessage: string, options: BaseErrorOptions = {}) {
    super(
      reason === "RequestMalformed" ? 400 : reason === "SecretCorrupt" ? 500 : 403,
      reason,
      shortMessage,
      options,
    );
  }
}

/** A secret push was refused (403; 400 for a malformed request or value). */
export class PushDenied extends SmsError {
  override name = "PushDenied" as const;
  declare readonly reason: PushFailure;

  constructor(reason: PushFailure, shortMessage: string, options: BaseErrorOptions = {}) {
    super(
      reason === "RequestMalformed" || reason === "ValueInvalid" ? 400 : 403,
      reason,
      shortMessage,
      options,
    );
  }
}

/** The SMS cannot serve safely right now (audit log or chain unavailable): 503, nothing released. */
export class SmsUnavailable extends SmsError {
  override name = "SmsUnavailable" as const;

  constructor(reason: string, shortMessage: string, options: BaseErrorOptions = {}) {
    super(503, reason, shortMessage, options);
  }
}
