import { Interface } from "ethers";
import type { InterfaceAbi, JsonFragment } from "ethers";
import {
  AppRegistry__factory,
  DatasetRegistry__factory,
  Polis__factory,
  PolisToken__factory,
  TaskManager__factory,
  WorkerpoolRegistry__factory,
} from "../../../types/index.js";

const ABIS: readonly InterfaceAbi[] = [
  Polis__factory.abi,
  TaskManager__factory.abi,
  AppRegistry__factory.abi,
  DatasetRegistry__factory.abi,
  WorkerpoolRegistry__factory.abi,
  PolisToken__factory.abi,
] as unknown as InterfaceAbi[];

let cached: Interface | undefined;

/**
 * One interface holding every custom error of every Polis contract (hub, task manager,
 * registries, token and the OpenZeppelin errors they inherit), deduplicated by signature.
 */
export function polisErrorInterface(): Interface {
  if (cached) return cached;
  const seen = new Map<string, JsonFragment>();
  for (const abi of ABIS) {
    for (const f of abi as readonly JsonFragment[]) {
      if (f.type !== "error") continue;
      const sig = `${f.name}(${(f.inputs ?? []).map((i) => i.type).join(",")})`;
      if (!seen.has(sig)) seen.set(sig, f);
    }
  }
  cached = new Interface([...seen.values()]);
  return cached;
}
