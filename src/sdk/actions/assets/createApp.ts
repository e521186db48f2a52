import { ZeroHash } from "ethers";
import type { PolisClient } from "../../client.js";
import { requireSigner } from "../../internal/signer.js";
import { sendTransaction, transactionInfo } from "../../internal/send.js";
import type { TransactionInfo } from "../../internal/send.js";
import { predictApp } from "./predictApp.js";

export interface AppParameters {
  name: string;
  /** Where workers fetch the bundle (https://, ipfs://...). */
  uri: string;
  /** sha256 of the bundle bytes. */
  checksum: string;
  /** Enclave measurement (zero for non-TEE apps). */
  mrenclave?: string;
  /** sha256 of the canonical enclave config (zero for non-TEE apps). */
  enclaveConfigHash?: string;
}

export type CreateAppParameters = AppParameters;

export interface CreateAppReturnType extends TransactionInfo {
  app: string;
  owner: string;
}

/**
 * Registers an app owned by the signer. Its address is derived from (registry, owner, content),
 * so it is known before the transaction (see {@link predictApp}).
 * @throws ContractError RegistryAssetExists when the same owner registered the same content.
 * @example
 * const { app } = await createApp(client, {
 *   name: "anomaly-detection", uri: "https://apps.example/ad.js", checksum, mrenclave,
 * });
 */
export async function createApp(
  client: PolisClient,
  params: CreateAppParameters,
): Promise<CreateAppReturnType> {
  const { address } = await requireSigner(client, "Creating an app");
  const full = toAppParams(params);
  const app = await predictApp(client, { owner: address, ...full });
  const receipt = await sendTransaction(client, () => client.appRegistry.createApp(full));
  return { ...transactionInfo(receipt), app, owner: address };
}

/** The registry's AppParams tuple with zero defaults. */
export function toAppParams(params: AppParameters) {
  return {
    name: params.name,
    uri: params.uri,
    checksum: params.checksum,
    mrenclave: params.mrenclave ?? ZeroHash,
    enclaveConfigHash: params.enclaveConfigHash ?? ZeroHash,
  };
}
