import type { EventFragment, Interface, Log, Result } from "ethers";
import type { PolisClient } from "../sdk/client.js";
import { fastEventDecoder } from "./eventDecoder.js";

/** Which Polis contract emitted an event. */
export type ContractName =
  "hub" | "taskManager" | "appRegistry" | "datasetRegistry" | "workerpoolRegistry";

/** A decoded event: its name and arguments as plain JSON (see argsToJson). */
export interface DecodedEvent {
  name: string;
  args: Record<string, unknown>;
}

/** The contracts the auditor replays, by lowercase address. */
export interface EventSources {
  addresses: string[];
  /** Parses a log of one of the contracts (undefined for unknown events). */
  parse(
    log: Pick<Log, "address" | "topics" | "data">,
  ): { contract: ContractName; event: DecodedEvent } | undefined;
}

/** Builds the event sources of a deployment from the client's typechain bindings. */
export function eventSourcesOf(client: PolisClient): EventSources {
  const d = client.deployment;
  const byAddress = new Map<string, { contract: ContractName; iface: Interface }>([
    [d.hub.toLowerCase(), { contract: "hub", iface: client.hub.interface as unknown as Interface }],
    [
      d.taskManager.toLowerCase(),
      { contract: "taskManager", iface: client.taskManager.interface as unknown as Interface },
    ],
    [
      d.appRegistry.toLowerCase(),
      { contract: "appRegistry", iface: client.appRegistry.interface as unknown as Interface },
    ],
    [
      d.datasetRegistry.toLowerCase(),
      {
        contract: "datasetRegistry",
        iface: client.datasetRegistry.interface as unknown as Interface,
      },
    ],
    [
      d.workerpoolRegistry.toLowerCase(),
      {
        contract: "workerpoolRegistry",
        iface: client.workerpoolRegistry.interface as unknown as Interface,
      },
    ],
  ]);
  // topic0 -> decoder, computed once (ethers' parseLog re-hashes every event signature per log).
  type Decode = (topics: readonly string[], data: string) => Record<string, unknown>;
  const topics = new Map<string, Map<string, { name: string; decode: Decode }>>();
  for (const [address, { iface }] of byAddress) {
    const map = new Map<string, { name: string; decode: Decode }>();
    iface.forEachEvent((f) => {
      const decode =
        fastEventDecoder(f) ??
        ((t: readonly string[], data: string) =>
          argsToJson(f, iface.decodeEventLog(f, data, t as string[])));
      map.set(f.topicHash, { name: f.name, decode });
    });
    topics.set(address, map);
  }
  return {
    addresses: [...byAddress.keys()],
    parse(log) {
      const address = log.address.toLowerCase();
      const source = byAddress.get(address);
      const decoder = topics.get(address)?.get(log.topics[0]);
      if (!source || !decoder) return undefined;
      try {
        return {
          contract: source.contract,
          event: { name: decoder.name, args: decoder.decode(log.topics, log.data) },
        };
      } catch {
        return undefined;
      }
    },
  };
}

/** Event args as plain JSON (names as keys, bigints as decimal strings, structs as objects). */
export function argsToJson(fragment: EventFragment, args: Result): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  fragment.inputs.forEach((input, i) => {
    out[input.name] = plain(
      args[i],
      input.components?.map((c) => c.name),
    );
  });
  return out;
}

function plain(value: unknown, names?: string[]): unknown {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return value.startsWith("0x") ? value.toLowerCase() : value;
  if (Array.isArray(value)) {
    if (names && names.length === value.length && names.every(Boolean)) {
      const o: Record<string, unknown> = {};
      names.forEach((n, i) => (o[n] = plain(value[i])));
      return o;
    }
    return Array.from(value, (v) => plain(v));
  }
  return value;
}
