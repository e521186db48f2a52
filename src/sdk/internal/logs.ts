import type { Interface, Log, LogDescription, TransactionReceipt } from "ethers";
import type { PolisClient } from "../client.js";
import { toPolisError } from "../errors/index.js";

/** Decodes the logs of a receipt emitted by `address` with `iface`, keeping those named `name`. */
export function parseReceiptLogs(
  receipt: TransactionReceipt,
  iface: Interface,
  address: string,
  name: string,
): LogDescription[] {
  const out: LogDescription[] = [];
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== address.toLowerCase()) continue;
    const parsed = tryParse(iface, log);
    if (parsed?.name === name) out.push(parsed);
  }
  return out;
}

export interface EventLog {
  event: LogDescription;
  log: Log;
}

/**
 * Finds the logs of event `name` on `address` whose indexed topics match `topics` (null = any),
 * from the deployment's start block to the latest block.
 */
export async function findEvents(
  client: PolisClient,
  iface: Interface,
  address: string,
  name: string,
  topics: ReadonlyArray<string | null> = [],
): Promise<EventLog[]> {
  const fragment = iface.getEvent(name);
  if (!fragment) throw new Error(`unknown event ${name}`);
  let logs: Log[];
  try {
    logs = await client.provider.getLogs({
      address,
      fromBlock: client.deployment.startBlock ?? 0,
      toBlock: "latest",
      topics: [fragment.topicHash, ...topics],
    });
  } catch (error) {
    throw toPolisError(error);
  }
  const out: EventLog[] = [];
  for (const log of logs) {
    const event = tryParse(iface, log);
    if (event) out.push({ event, log });
  }
  return out;
}

function tryParse(iface: Interface, log: { topics: readonly string[]; data: string }) {
  try {
    return iface.parseLog({ topics: [...log.topics], data: log.data });
  } catch {
    return null;
  }
}
