import { ErrorDescription, isHexString } from "ethers";
import { ContractError } from "../../core/errors/index.js";
import { polisErrorInterface } from "./abi.js";
import { describeContractError, type ErrorContext } from "./messages.js";

/**
 * Decodes ABI-encoded revert data (a custom error of any Polis contract) into a ContractError
 * with its `errorName`, named `args`, a one-line message and a hint.
 * @returns undefined when the data is empty or matches no known error.
 * @example const err = decodeRevertData(estimate.failure, { sender: me });
 */
export function decodeRevertData(
  data: string,
  context: ErrorContext = {},
): ContractError | undefined {
  if (!isHexString(data) || data.length < 10) return undefined;
  let parsed: ErrorDescription | null = null;
  try {
    parsed = polisErrorInterface().parseError(data);
  } catch {
    return undefined;
  }
  if (!parsed) return undefined;
  const args: Record<string, unknown> = {};
  parsed.fragment.inputs.forEach((input, i) => {
    args[input.name || `arg${i}`] = normalize(parsed!.args[i]);
  });
  const { message, hint } = describeContractError(parsed.name, args, context);
  return new ContractError(parsed.name, args, message, hint);
}

function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  return value;
}
