import { getAddress, keccak256, toBeHex } from "ethers";
import { DEAL_FIELDS, dealDigest } from "../core/index.js";
import type { ContractName } from "./eventSources.js";
import type { AuditorStore } from "./store.js";

/** One decoded event, as the handlers see it. */
export interface IndexedEvent {
  block: number;
  logIndex: number;
  txHash: string;
  timestamp: number | null;
  contract: ContractName;
  name: string;
  args: Record<string, any>;
}

type Handler = (store: AuditorStore, e: IndexedEvent) => void;

const ZERO_ADDRESS = "0x" + "0".repeat(40);
const ZERO_HASH = "0x" + "0".repeat(64);
const ASSET_KINDS: Partial<Record<ContractName, string>> = {
  appRegistry: "app",
  datasetRegistry: "dataset",
  workerpoolRegistry: "workerpool",
};

/** Task statuses as stored (the Solidity TaskStatus names). */
export const TASK_STATUS = ["Unset", "Active", "Revealing", "Completed", "Failed"] as const;

/**
 * Applies one event: appends it to `events`, links it to every address and bytes32 it names
 * (so timelines and search are one indexed lookup), then updates the derived tables.
 */
export function applyEvent(store: AuditorStore, e: IndexedEvent): void {
  store.run(
    "INSERT OR IGNORE INTO events VALUES (?,?,?,?,?,?,?)",
    e.block,
    e.logIndex,
    e.txHash,
    e.timestamp,
    e.contract,
    e.name,
    JSON.stringify(e.args),
  );
  for (const subject of subjectsOf(e)) {
    store.run("INSERT OR IGNORE INTO event_links VALUES (?,?,?)", subject, e.block, e.logIndex);
  }
  HANDLERS[e.name]?.(store, e);
}

function subjectsOf(e: IndexedEvent): Set<string> {
  const out = new Set<string>();
  const visit = (v: unknown) => {
    if (typeof v === "string") {
      if (
        (v.length === 42 || v.length === 66) &&
        /^0x[0-9a-f]+$/.test(v) &&
        v !== ZERO_ADDRESS &&
        v !== ZERO_HASH
      ) {
        out.add(v);
      }
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === "object") Object.values(v).forEach(visit);
  };
  visit(e.args);
  if (e.name === "Transfer" && e.args.tokenId !== undefined) out.add(assetOfToken(e.args.tokenId));
  return out;
}

function assetOfToken(tokenId: string): string {
  return getAddress(toBeHex(BigInt(tokenId), 20)).toLowerCase();
}

/** The digest of a deal in JSON form (see core dealHash): the struct is all static words. */
function dealHashOf(d: Record<string, string>): string {
  let hex = "0x";
  for (const [name, type] of DEAL_FIELDS) {
    const v = d[name];
    hex +=
      type === "uint256"
        ? BigInt(v).toString(16).padStart(64, "0")
        : v.slice(2).toLowerCase().padStart(64, "0");
  }
  return dealDigest(keccak256(hex));
}

function adjust(store: AuditorStore, account: string, dStake: bigint, dLocked: bigint): void {
  const row = store.get<{ stake: string; locked: string }>(
    "SELECT stake, locked FROM accounts WHERE address = ?",
    account,
  );
  const stake = BigInt(row?.stake ?? "0") + dStake;
  const locked = BigInt(row?.locked ?? "0") + dLocked;
  store.run(
    "INSERT INTO accounts VALUES (?,?,?) ON CONFLICT(address) DO UPDATE SET stake = excluded.stake, locked = excluded.locked",
    account,
    stake.toString(),
    locked.toString(),
  );
}

function addMeta(store: AuditorStore, key: string, delta: bigint): void {
  store.setMeta(key, (BigInt(store.meta(key) ?? "0") + delta).toString());
}

function movement(
  store: AuditorStore,
  e: IndexedEvent,
  kind: string,
  account: string | null,
  counterparty: string | null,
  amount: string,
  ref: string | null,
): void {
  store.run(
    "INSERT OR IGNORE INTO movements VALUES (?,?,?,?,?,?,?,?,?)",
    e.block,
    e.logIndex,
    e.txHash,
    kind,
    account,
    counterparty,
    amount,
    ref,
    e.timestamp,
  );
}

function upsertAsset(
  store: AuditorStore,
  e: IndexedEvent,
  address: string,
  fields: Record<string, unknown>,
) {
  const kind = ASSET_KINDS[e.contract]!;
  store.run(
    "INSERT INTO assets (address, kind, owner, created_block, created_tx) VALUES (?,?,?,?,?) ON CONFLICT(address) DO NOTHING",
    address,
    kind,
    String(fields.owner ?? ZERO_ADDRESS),
    e.block,
    e.txHash,
  );
  for (const [column, value] of Object.entries(fields)) {
    store.run(
      `UPDATE assets SET ${COLUMN[column]} = ? WHERE address = ?`,
      value as string,
      address,
    );
  }
}

/** Allowed asset columns (keys are fixed in code, never user input). */
const COLUMN: Record<string, string> = {
  owner: "owner",
  name: "name",
  uri: "uri",
  checksum: "checksum",
  mrenclave: "mrenclave",
  enclaveConfigHash: "enclave_config_hash",
  resourceClass: "resource_class",
  location: "location",
  workerStakeRatio: "worker_stake_ratio",
  schedulerRewardRatio: "scheduler_reward_ratio",
  scheduler: "scheduler",
};

function setTask(
  store: AuditorStore,
  e: IndexedEvent,
  taskId: string,
  fields: Record<string, unknown>,
) {
  store.run(
    "INSERT INTO tasks (task_id, status, updated_block) VALUES (?, 'Active', ?) ON CONFLICT(task_id) DO NOTHING",
    taskId,
    e.block,
  );
  const sets = Object.keys(fields).map((k) => `${k} = ?`);
  store.run(
    `UPDATE tasks SET ${[...sets, "updated_block = ?"].join(", ")} WHERE task_id = ?`,
    ...(Object.values(fields) as string[]),
    e.block,
    taskId,
  );
}

const HANDLERS: Record<string, Handler> = {
  Transfer(store, e) {
    if (!ASSET_KINDS[e.contract]) return;
    upsertAsset(store, e, assetOfToken(e.args.tokenId), { owner: e.args.to });
  },
  AppCreated(store, e) {
    const a = e.args;
    upsertAsset(store, e, a.app, {
      owner: a.owner,
      name: a.name,
      uri: a.uri,
      checksum: a.checksum,
      mrenclave: a.mrenclave,
      enclaveConfigHash: a.enclaveConfigHash,
    });
  },
  DatasetCreated(store, e) {
    const a = e.args;
    upsertAsset(store, e, a.dataset, {
      owner: a.owner,
      name: a.name,
      uri: a.uri,
      checksum: a.checksum,
    });
  },
  WorkerpoolCreated(store, e) {
    const a = e.args;
    upsertAsset(store, e, a.workerpool, {
      owner: a.owner,
      name: a.description,
      resourceClass: Number(a.resourceClass),
      location: a.location,
      workerStakeRatio: Number(a.workerStakeRatio),
      schedulerRewardRatio: Number(a.schedulerRewardRatio),
    });
  },
  WorkerpoolPolicyUpdated(store, e) {
    upsertAsset(store, e, e.args.workerpool, {
      workerStakeRatio: Number(e.args.workerStakeRatio),
      schedulerRewardRatio: Number(e.args.schedulerRewardRatio),
    });
  },
  WorkerpoolSchedulerUpdated(store, e) {
    upsertAsset(store, e, e.args.workerpool, { scheduler: e.args.scheduler });
  },
  CategoryCreated(store, e) {
    store.run(
      "INSERT OR REPLACE INTO categories VALUES (?,?,?,?)",
      Number(e.args.id),
      e.args.name,
      e.args.description,
      e.args.timeRef,
    );
  },
  Deposited(store, e) {
    adjust(store, e.args.account, BigInt(e.args.amount), 0n);
    addMeta(store, "deposited", BigInt(e.args.amount));
    movement(store, e, "Deposited", e.args.account, e.args.from, e.args.amount, null);
  },
  Withdrawn(store, e) {
    adjust(store, e.args.account, -BigInt(e.args.amount), 0n);
    addMeta(store, "withdrawn", BigInt(e.args.amount));
    movement(store, e, "Withdrawn", e.args.account, e.args.to, e.args.amount, null);
  },
  Locked(store, e) {
    adjust(store, e.args.account, -BigInt(e.args.amount), BigInt(e.args.amount));
    movement(store, e, "Locked", e.args.account, null, e.args.amount, e.args.ref);
  },
  Unlocked(store, e) {
    adjust(store, e.args.account, BigInt(e.args.amount), -BigInt(e.args.amount));
    movement(store, e, "Unlocked", e.args.account, null, e.args.amount, e.args.ref);
  },
  Seized(store, e) {
    adjust(store, e.args.account, 0n, -BigInt(e.args.amount));
    movement(store, e, "Seized", e.args.account, null, e.args.amount, e.args.ref);
  },
  Rewarded(store, e) {
    adjust(store, e.args.account, BigInt(e.args.amount), 0n);
    movement(store, e, "Rewarded", e.args.account, null, e.args.amount, e.args.ref);
  },
  KittyFilled(store, e) {
    addMeta(store, "kitty", BigInt(e.args.amount));
    movement(store, e, "KittyFilled", null, null, e.args.amount, e.args.ref);
  },
  KittyDrained(store, e) {
    addMeta(store, "kitty", -BigInt(e.args.amount));
    movement(store, e, "KittyDrained", null, null, e.args.amount, e.args.ref);
  },
  DealCreated(store, e) {
    const d = e.args.deal;
    const [appHash, datasetHash, workerpoolHash, requestHash] = e.args.orderHashes as string[];
    store.run(
      "INSERT OR IGNORE INTO deals VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
      e.args.dealId,
      d.requester,
      d.sponsor,
      d.beneficiary,
      d.app,
      d.appOwner,
      d.dataset,
      d.datasetOwner,
      d.workerpool,
      d.workerpoolOwner,
      d.appPrice,
      d.datasetPrice,
      d.workerpoolPrice,
      d.tag,
      d.category,
      d.trust,
      d.botFirst,
      Number(d.botSize),
      Number(d.startTime),
      e.args.params,
      appHash,
      datasetHash,
      workerpoolHash,
      requestHash,
      JSON.stringify(d),
      dealHashOf(d),
      e.block,
      e.txHash,
      e.timestamp,
    );
  },
  OrderPresigned(store, e) {
    store.run(
      "INSERT INTO orders (order_hash, presigned_by) VALUES (?, ?) ON CONFLICT(order_hash) DO UPDATE SET presigned_by = excluded.presigned_by",
      e.args.orderHash,
      e.args.signer,
    );
  },
  OrderCancelled(store, e) {
    store.run(
      "INSERT INTO orders (order_hash, kind, cancelled_by, cancelled_block) VALUES (?,?,?,?) ON CONFLICT(order_hash) DO UPDATE SET kind = excluded.kind, cancelled_by = excluded.cancelled_by, cancelled_block = excluded.cancelled_block",
      e.args.orderHash,
      Number(e.args.kind),
      e.args.owner,
      e.block,
    );
  },
  DatasetGrantsRequired(store, e) {
    store.run(
      "INSERT OR REPLACE INTO grants_required VALUES (?, ?)",
      e.args.dataset,
      e.args.required ? 1 : 0,
    );
  },
  DatasetGrantSet(store, e) {
    const a = e.args;
    store.run(
      "INSERT OR REPLACE INTO grants VALUES (?,?,?,?,?,?,?,0)",
      a.grantKey,
      a.dataset,
      a.app,
      a.requester,
      a.uses,
      "0",
      Number(a.expiry),
    );
  },
  DatasetGrantRevoked(store, e) {
    store.run("UPDATE grants SET revoked = 1 WHERE grant_key = ?", e.args.grantKey);
  },
  DatasetGrantUsed(store, e) {
    const row = store.get<{ used: string }>(
      "SELECT used FROM grants WHERE grant_key = ?",
      e.args.grantKey,
    );
    if (!row) return;
    store.run(
      "UPDATE grants SET used = ? WHERE grant_key = ?",
      (BigInt(row.used) + BigInt(e.args.uses)).toString(),
      e.args.grantKey,
    );
  },
  TaskInitialized(store, e) {
    setTask(store, e, e.args.taskId, {
      deal_id: e.args.dealId,
      idx: e.args.index,
      status: "Active",
    });
  },
  TaskContributed(store, e) {
    const a = e.args;
    setTask(store, e, a.taskId, {});
    store.run(
      "INSERT OR REPLACE INTO contributions VALUES (?,?,?,?,?,NULL,?)",
      a.taskId,
      a.worker,
      a.resultHash,
      a.enclave,
      a.receiptHash,
      e.block,
    );
  },
  TaskConsensusReached(store, e) {
    setTask(store, e, e.args.taskId, {
      status: "Revealing",
      consensus_hash: e.args.consensusHash,
      reveal_deadline: Number(e.args.revealDeadline),
    });
  },
  TaskRevealed(store, e) {
    store.run(
      "UPDATE contributions SET revealed_digest = ? WHERE task_id = ? AND worker = ?",
      e.args.resultDigest,
      e.args.taskId,
      e.args.worker,
    );
  },
  TaskReopened(store, e) {
    setTask(store, e, e.args.taskId, { status: "Active", consensus_hash: null });
  },
  TaskCompleted(store, e) {
    const a = e.args;
    setTask(store, e, a.taskId, {
      deal_id: a.dealId,
      idx: a.index,
      status: "Completed",
      worker: a.worker,
      enclave: a.enclave,
      result_digest: a.resultDigest,
      receipt_hash: a.receiptHash,
      results: a.results,
      completed_tx: e.txHash,
    });
  },
  TaskFailed(store, e) {
    setTask(store, e, e.args.taskId, {
      deal_id: e.args.dealId,
      idx: e.args.index,
      status: "Failed",
    });
  },
  WorkerScoreUpdated(store, e) {
    store.run(
      "INSERT OR REPLACE INTO worker_scores VALUES (?,?,?,?)",
      e.args.worker,
      e.args.score,
      e.args.taskId,
      e.block,
    );
  },
  AttestationVerifierSet(store, e) {
    store.run(
      "INSERT OR REPLACE INTO verifiers VALUES (?,?,?)",
      e.args.verifier,
      e.args.trusted ? 1 : 0,
      e.block,
    );
  },
};
