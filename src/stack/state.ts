import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { UserError } from "../core/errors/index.js";
import { isAlive, isOurProcess } from "./processes.js";
import type { StackProcess } from "./processes.js";

/** Default location of the running stack's state, relative to the project folder. */
export const DEFAULT_STATE_PATH = join(".polis", "stack.json");

/** What `polis up` (or `npm run demo -- --keep`) leaves behind for `polis down` and the CLI. */
export interface StackState {
  version: 1;
  startedAt: string;
  /** Everything the stack writes: deployments, keys, databases, logs. */
  dataDir: string;
  chainId: string;
  /** True when the stack started its own chain (anvil), stopped with the rest. */
  embeddedChain: boolean;
  deploymentsDir: string;
  urls: {
    rpc: string;
    sms: string;
    market: string;
    auditor: string;
    explorer: string;
    scheduler: string;
  };
  pool: { address: string; owner: string; scheduler: string; workers: string[] };
  /** In start order; stopped in reverse. */
  processes: StackProcess[];
}

/** Writes the state file atomically. */
export async function writeStackState(path: string, state: StackState): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(state, null, 2) + "\n");
  await rename(tmp, path);
}

/** Reads the state file, or undefined when there is none. @throws UserError when malformed. */
export async function readStackState(path: string): Promise<StackState | undefined> {
  if (!existsSync(path)) return undefined;
  try {
    const state = JSON.parse(await readFile(path, "utf8")) as StackState;
    if (state.version !== 1 || !Array.isArray(state.processes)) throw new Error("bad shape");
    return state;
  } catch (cause) {
    throw new UserError(`${path} is not a Polis stack state file.`, { cause });
  }
}

export async function removeStackState(path: string): Promise<void> {
  await rm(path, { force: true });
}

/** The recorded processes that still run (same pid, same command line). */
export function liveProcesses(state: StackState): StackProcess[] {
  return state.processes.filter((p) => isAlive(p.pid) && isOurProcess(p.pid, p.marker));
}
