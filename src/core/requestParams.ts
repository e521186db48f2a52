import { UserError } from "./errors/index.js";

/**
 * The request order's `params` (a JSON string, hashed into the deal): what the app is run with.
 * `secrets` names requester secrets stored in the SMS that the enclave may receive.
 */
export interface RequestParams {
  args?: string;
  secrets?: string[];
  /** Input files the app downloads (URLs). */
  inputFiles?: string[];
}

/** Serializes params as compact JSON with a stable key order; "{}" when empty. */
export function encodeRequestParams(params: RequestParams): string {
  const out: Record<string, unknown> = {};
  if (params.args) out.args = params.args;
  if (params.inputFiles?.length) out.inputFiles = params.inputFiles;
  if (params.secrets?.length) out.secrets = [...params.secrets];
  return JSON.stringify(out);
}

/**
 * Parses a request's params string.
 * @throws UserError when it is not a JSON object of the expected shape.
 */
export function decodeRequestParams(text: string): RequestParams {
  let value: unknown;
  try {
    value = JSON.parse(text === "" ? "{}" : text);
  } catch (cause) {
    throw new UserError("Request params are not valid JSON.", { cause });
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new UserError("Request params must be a JSON object.");
  }
  const v = value as Record<string, unknown>;
  const strings = (x: unknown) => Array.isArray(x) && x.every((s) => typeof s === "string");
  if (v.args !== undefined && typeof v.args !== "string")
    throw new UserError('Request params: "args" must be a string.');
  if (v.secrets !== undefined && !strings(v.secrets))
    throw new UserError('Request params: "secrets" must be a list of names.');
  if (v.inputFiles !== undefined && !strings(v.inputFiles))
    throw new UserError('Request params: "inputFiles" must be a list of URLs.');
  return v as RequestParams;
}
