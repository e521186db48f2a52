import { fetchJson } from "../http.js";

/** One worker as a pool's scheduler lists it (GET /v1/pool). */
export interface PoolWorkerInfo {
  address: string;
  /** Seen within its last 3 heartbeats. */
  alive: boolean;
  lastSeen: string;
  /** Tasks it runs now (its load, out of `capacity`). */
  running: number;
  resourceClass?: "cloud" | "fog" | "edge";
  cpus?: number;
  memoryMb?: number;
  tee?: boolean;
  location?: string;
  capacity?: number;
  version?: string;
}

/** A pool's public inventory: what requesters look at to choose a pool. */
export interface PoolInventory {
  pool: string;
  scheduler: string;
  chainId: string;
  /** Base URL of the pool's result store. */
  resultStore: string;
  /** Tasks the scheduler knows, by state ("stalled": failed on several workers, not retried). */
  tasks: Record<"pending" | "running" | "completed" | "failed" | "stalled", number>;
  /** Task slots of the live workers. */
  capacity: number;
  workers: PoolWorkerInfo[];
}

export interface PoolClient {
  url: string;
  inventory(): Promise<PoolInventory>;
}

/** Default scheduler API (and result store) of a local pool. */
export const DEFAULT_POOL_API_URL = "http://127.0.0.1:13600";

/**
 * A client of a pool scheduler's public API.
 * @throws ServiceError when the scheduler is unreachable.
 * @example const { workers } = await createPoolClient({ url }).inventory();
 */
export function createPoolClient(params: { url?: string; hint?: string }): PoolClient {
  const url = (params.url ?? DEFAULT_POOL_API_URL).replace(/\/+$/, "");
  return {
    url,
    inventory: async () =>
      (await fetchJson(`${url}/v1/pool`, {
        service: "pool scheduler",
        hint: params.hint,
      })) as PoolInventory,
  };
}
