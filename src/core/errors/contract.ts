import { BaseError } from "./base.js";

/**
 * A contract call reverted with a known custom error. `errorName` is the Solidity error name
 * (e.g. "MatchPriceTooHigh") and `args` its decoded arguments by name.
 */
export class ContractError extends BaseError {
  override name = "ContractError";
  readonly errorName: string;
  readonly args: Record<string, unknown>;

  constructor(errorName: string, args: Record<string, unknown>, message: string, hint?: string) {
    super(message, { hint });
    this.errorName = errorName;
    this.args = args;
  }
}
