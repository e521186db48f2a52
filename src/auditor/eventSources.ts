import type { Interface, Log, LogDescription } from "ethers";
import type { PolisClient } from "../sdk/client.js";

/** Which Polis contract emitted an event. */
export type ContractName =
  "hub" | "taskManager" | "appRegistry" | "datasetRegistry" | "workerpoolRegistry";

/** The contracts the auditor replays, by lowercase address. */
export interface EventSources {
  addresses: string[];
  /** Parses a log of one of the contracts (undefined for unknown events). */
  parse(log: Log): { contract: ContractName; event: LogDescription } | undefined;
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
  return {
    addresses: [...byAddress.keys()],
    parse(log) {
      const source = byAddress.get(log.address.toLowerCase());
      if (!source) return undefined;
      try {
        const event = source.iface.parseLog({ topics: [...log.topics], data: log.data });
        return event ? { contract: source.contract, event } : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/** Event args as plain JSON (names as keys, bigints as decimal strings, structs as objects). */
export function argsToJson(event: LogDescription): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  event.fragment.inputs.forEach((input, i) => {
    out[input.name] = plain(
      event.args[i],
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
