import { ServiceError, UserError } from "../../core/errors/index.js";
import type { BaseErrorOptions } from "../../core/errors/index.js";

/** Asset kinds of the three registries. */
export type AssetKind = "app" | "dataset" | "workerpool";

/** No asset of this kind is registered at `address`. */
export class AssetNotFoundError extends UserError {
  override name = "AssetNotFoundError";
  constructor(
    readonly kind: AssetKind,
    readonly address: string,
  ) {
    super(`No ${kind} is registered at ${address}.`, {
      hint: `Check the address, the chain (--chain/--rpc) and the deployment (--deployments).`,
    });
  }
}

/** The caller is not the current owner of an asset it wants to act for. */
export class NotAssetOwnerError extends UserError {
  override name = "NotAssetOwnerError";
  constructor(
    readonly kind: AssetKind | "request",
    readonly asset: string,
    readonly owner: string,
    readonly caller: string,
  ) {
    super(
      kind === "request"
        ? `This request order belongs to ${owner}, not to your wallet ${caller}.`
        : `Your wallet ${caller} does not own ${kind} ${asset} (owner: ${owner}).`,
      { hint: "Use the owner's wallet (--wallet <keystore>)." },
    );
  }
}

/** No deal with this id exists on this deployment. */
export class DealNotFoundError extends UserError {
  override name = "DealNotFoundError";
  constructor(readonly dealId: string) {
    super(`No deal ${dealId} on this deployment.`, {
      hint: "Check the id and the chain (--chain/--rpc).",
    });
  }
}

/** Nothing is known on-chain about this task (never started, or wrong id). */
export class TaskNotFoundError extends UserError {
  override name = "TaskNotFoundError";
  constructor(
    readonly taskId: string,
    hint = "Pass its deal with --deal <dealId> if the task has not started yet.",
  ) {
    super(`Task ${taskId} is unknown on this deployment.`, { hint });
  }
}

/** The task has no result to fetch (not completed, or no result URL). */
export class ResultNotAvailableError extends UserError {
  override name = "ResultNotAvailableError";
  constructor(
    readonly taskId: string,
    reason: string,
  ) {
    super(`No result for task ${taskId}: ${reason}.`);
  }
}

/** The keystore password is wrong. */
export class WrongPasswordError extends UserError {
  override name = "WrongPasswordError";
  constructor(readonly path: string) {
    super(`The password does not unlock the wallet ${path}.`, {
      hint: "Pass the right one with --password or POLIS_PASSWORD.",
    });
  }
}

/** A write action was called on a read-only client. */
export class SignerRequiredError extends UserError {
  override name = "SignerRequiredError";
  constructor(action: string) {
    super(`${action} needs a wallet.`, {
      hint: "Create one with `polis wallet create` or pass --wallet <keystore>.",
    });
  }
}

/** A file is not a Polis encrypted dataset. */
export class MalformedDatasetFileError extends UserError {
  override name = "MalformedDatasetFileError";
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path} is not a Polis encrypted dataset: ${reason}.`, {
      hint: "Encrypt it first with `polis dataset encrypt <file>` and deploy the .enc file.",
    });
  }
}

/** The beneficiary key cannot open the result (it was encrypted to another key). */
export class WrongResultKeyError extends UserError {
  override name = "WrongResultKeyError";
  constructor(readonly taskId: string) {
    super(`This key cannot decrypt the result of task ${taskId}.`, {
      hint: "Use the beneficiary key the request was made with (`polis result keygen` wrote it).",
    });
  }
}

/**
 * Downloaded or decrypted data does not match what the chain committed to (a result store or a
 * worker served something else).
 */
export class IntegrityError extends ServiceError {
  override name = "IntegrityError";
  constructor(
    readonly what: string,
    readonly expected: string,
    readonly actual: string,
    options: BaseErrorOptions = {},
  ) {
    super(`${what} does not match: expected ${expected}, got ${actual}.`, options);
  }
}

/** A service answered with a 4xx: the request was refused. */
export class RequestRejectedError extends UserError {
  override name = "RequestRejectedError";
  constructor(
    readonly service: string,
    readonly status: number,
    readonly reason: string,
    readonly code?: string,
  ) {
    super(`The ${service} refused the request (${status}): ${reason}`);
  }
}

/** The operation needs confirmation and none was given. */
export class ConfirmationRequiredError extends UserError {
  override name = "ConfirmationRequiredError";
  constructor(what: string) {
    super(`${what} needs confirmation.`, { hint: "Pass --yes to confirm non-interactively." });
  }
}
