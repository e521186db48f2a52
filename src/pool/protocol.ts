import type { Deal } from "../core/deal.js";

/** libp2p protocol of the worker <-> scheduler request/response messages. */
export const POOL_PROTOCOL = "/polis/pool/1.0.0";

/** Gossipsub topic on which a scheduler announces new work for its pool. */
export function workTopic(pool: string): string {
  return `/polis/pool/${pool.toLowerCase()}/work`;
}

/** What a worker declares about itself (shown in the pool inventory). */
export interface WorkerInventory {
  resourceClass: "cloud" | "fog" | "edge";
  cpus: number;
  memoryMb: number;
  tee: boolean;
  location: string;
  /** Tasks it runs at once. */
  capacity: number;
  version: string;
}

export type ExecutionMode = "tee" | "standard";

/** A task handed to a worker. */
export interface Assignment {
  taskId: string;
  dealId: string;
  index: string;
  /** The deal with uint fields as decimal strings (see encodeDeal). */
  deal: Record<string, string>;
  params: string;
  mode: ExecutionMode;
  /** true when the deal's trust > 1: contribute/reveal instead of sending a fast result. */
  replicated: boolean;
  /** Scheduler's WorkerAuthorization for standard tasks (enclave = 0). TEE tasks ask `authorize`. */
  authorization?: string;
}

/** Phases a worker reports for an assignment. */
export type WorkerPhase =
  "started" | "computed" | "uploaded" | "submitted" | "contributed" | "revealed" | "failed";

export interface HelloRequest {
  type: "hello";
  inventory: WorkerInventory;
}
export interface HelloResponse {
  pool: string;
  scheduler: string;
  chainId: string;
  hub: string;
  taskManager: string;
  resultStoreUrl: string;
  heartbeatMs: number;
}

export interface HeartbeatRequest {
  type: "heartbeat";
  running: number;
  tasks: Array<{ taskId: string; phase: WorkerPhase }>;
}
export interface HeartbeatResponse {
  /** Assignments the scheduler no longer wants this worker to run (reassigned, done, expired). */
  cancel: string[];
  /** Reported tasks that are closed on-chain (completed or failed): nothing is left to do. */
  done?: string[];
}

export interface WorkRequest {
  type: "work";
  slots: number;
}
export interface WorkResponse {
  assignments: Assignment[];
}

export interface AuthorizeRequest {
  type: "authorize";
  taskId: string;
  enclave: string;
}
export interface AuthorizeResponse {
  authorization: string;
}

/** Fast-path result (FastResult with bigints as strings) for the scheduler to batch on-chain. */
export interface ResultRequest {
  type: "result";
  taskId: string;
  result: {
    index: string;
    worker: string;
    resultDigest: string;
    receiptHash: string;
    enclave: string;
    enclaveSignature: string;
    attestation: string;
    results: string;
    callbackData: string;
  };
}
export interface ResultResponse {
  accepted: boolean;
}

export interface ProgressRequest {
  type: "progress";
  taskId: string;
  phase: WorkerPhase;
  /** Where the worker stored the (encrypted) result, once uploaded. */
  resultUrl?: string;
  /** Callback data (hex) for deals with a callback, once computed. */
  callbackData?: string;
  error?: string;
}
export interface ProgressResponse {
  ok: boolean;
}

/** Hands assignments back (graceful shutdown). */
export interface ReleaseRequest {
  type: "release";
  taskIds: string[];
}

export type PoolRequest =
  | HelloRequest
  | HeartbeatRequest
  | WorkRequest
  | AuthorizeRequest
  | ResultRequest
  | ProgressRequest
  | ReleaseRequest;

/** A deal as JSON (bigints as decimal strings). */
export function encodeDeal(deal: Deal): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(deal))
    out[k] = typeof v === "bigint" ? v.toString() : String(v);
  return out;
}
