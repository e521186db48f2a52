import { ZeroAddress, ZeroHash } from "ethers";
import type { PolisClient } from "../../client.js";
import { AssetNotFoundError } from "../../errors/index.js";
import { findEvents } from "../../internal/logs.js";
import { read } from "../../internal/send.js";
import { parseAddress } from "../../internal/values.js";

export interface GetAppParameters {
  app: string;
}

export interface GetAppReturnType {
  app: string;
  owner: string;
  /** From storage: what matching and the SMS check. */
  checksum: string;
  mrenclave: string;
  tee: boolean;
  /** From the AppCreated event. */
  name: string;
  uri: string;
  enclaveConfigHash: string;
  createdAtBlock: number;
  createdInTx: string;
}

/**
 * Reads an app: owner and stored values, plus name, URI and config hash from its creation event.
 * @throws AssetNotFoundError when no app is registered at that address.
 * @example const { owner, mrenclave } = await getApp(client, { app });
 */
export async function getApp(
  client: PolisClient,
  params: GetAppParameters,
): Promise<GetAppReturnType> {
  const app = parseAddress(params.app, "app");
  const [owner, record] = await read(() =>
    Promise.all([client.appRegistry.ownerOfAsset(app), client.appRegistry.appRecord(app)]),
  );
  if (owner === ZeroAddress) throw new AssetNotFoundError("app", app);
  const [created] = await findEvents(
    client,
    client.appRegistry.interface,
    client.deployment.appRegistry,
    "AppCreated",
    [zeroPadAddress(app)],
  );
  return {
    app,
    owner,
    checksum: record.checksum,
    mrenclave: record.mrenclave,
    tee: record.mrenclave !== ZeroHash,
    name: created?.event.args.name ?? "",
    uri: created?.event.args.uri ?? "",
    enclaveConfigHash: created?.event.args.enclaveConfigHash ?? ZeroHash,
    createdAtBlock: created?.log.blockNumber ?? 0,
    createdInTx: created?.log.transactionHash ?? "",
  };
}

/** An address as a 32-byte indexed topic. */
export function zeroPadAddress(address: string): string {
  return "0x" + address.slice(2).toLowerCase().padStart(64, "0");
}
