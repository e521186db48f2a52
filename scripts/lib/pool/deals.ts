import { ZeroAddress, getBytes } from "ethers";
import {
  NO_TAG,
  OrderKind,
  TEE_TAG,
  expiryIn,
  noDatasetOrder,
  randomSalt,
  signOrder,
  taskIds as dealTaskIds,
  toDeal,
  type AppOrder,
  type Deal,
  type WorkerpoolOrder,
} from "../../../src/core/index.js";
import { decryptResult, unpackArchive } from "../../../src/core/crypto/index.js";
import type { PolisClient } from "../../../src/sdk/client.js";
import type { AnvilChain } from "../anvil.js";
import type { PoolActors } from "./world.js";

/** Task status numbers of the TaskManager. */
export const STATUS = { Unset: 0, Active: 1, Revealing: 2, Completed: 3, Failed: 4 } as const;

const ONE = 10n ** 18n;
/** Prices of every deal: app 1, pool 2 per task. */
export const PRICES = { app: 1n * ONE, workerpool: 2n * ONE } as const;

export interface DealOptions {
  volume?: bigint;
  /** 1 (fast path) or more (replicated, standard deals only). */
  trust?: bigint;
  /** TEE deal (default true). */
  tee?: boolean;
  /** The app's args, e.g. "--sleep 2000". */
  args?: string;
}

export interface MatchedDeal {
  dealId: string;
  deal: Deal;
  taskIds: string[];
  /** Block and time (ms, this machine) of the match transaction. */
  block: number;
  sentAt: number;
  minedAt: number;
}

export interface EscrowSnapshot {
  /** Free and locked balance per account. */
  accounts: Record<string, { stake: bigint; locked: bigint }>;
  kitty: bigint;
  /** Tokens the hub holds. */
  held: bigint;
  /** Whether the accounts plus the kitty equal what the hub holds. */
  conserved: boolean;
}

/** Deal-level helpers of a pool world. */
export interface PoolDeals {
  matchDeal(o?: DealOptions): Promise<MatchedDeal>;
  status(taskId: string): Promise<number>;
  /** Waits until every task's status satisfies `ok` (default: Completed). */
  waitForTasks(
    taskIds: readonly string[],
    opts?: { timeoutMs?: number; ok?: (status: number) => boolean },
  ): Promise<void>;
  /** How many TaskCompleted events a task has. */
  completions(taskId: string): Promise<number>;
  /** Moves the chain clock and mines a block. */
  increaseTime(seconds: number): Promise<void>;
  /** Claims every unfinished task of a deal (after its final deadline), as the requester. */
  claim(dealId: string, deal: Deal, indices: bigint[]): Promise<void>;
  escrow(): Promise<EscrowSnapshot>;
  /** Downloads a completed task's result from its on-chain URL and decrypts it (result.txt). */
  fetchResult(taskId: string): Promise<string>;
}

export interface CreateDealsParameters {
  chain: AnvilChain;
  client: PolisClient;
  actors: PoolActors;
  app: string;
  workerpool: string;
  beneficiaryKeyPem: string;
}

/**
 * Orders are signed once per kind with a large volume (app TEE/standard, pool) and reused; each
 * deal is a fresh request order matched by the requester.
 */
export async function createDeals(p: CreateDealsParameters): Promise<PoolDeals> {
  const { client, actors, chain } = p;
  const domain = client.hubDomain;
  const now = BigInt((await chain.provider.getBlock("latest"))!.timestamp);
  const farExpiry = expiryIn(3650n * 86_400n, now);
  const appOrder = (tag: string): Promise<AppOrder> =>
    signOrder(actors.appOwner, domain, OrderKind.App, {
      app: p.app,
      price: PRICES.app,
      volume: 1_000_000n,
      tag,
      datasetRestrict: ZeroAddress,
      workerpoolRestrict: ZeroAddress,
      requesterRestrict: ZeroAddress,
      expiry: farExpiry,
      salt: randomSalt(),
      signature: "0x",
    });
  const appOrders = { tee: await appOrder(TEE_TAG), standard: await appOrder(NO_TAG) };
  const poolOrder: WorkerpoolOrder = await signOrder(
    actors.poolOwner,
    domain,
    OrderKind.Workerpool,
    {
      workerpool: p.workerpool,
      price: PRICES.workerpool,
      volume: 1_000_000n,
      tag: TEE_TAG,
      category: 0n,
      trust: 5n,
      appRestrict: ZeroAddress,
      datasetRestrict: ZeroAddress,
      requesterRestrict: ZeroAddress,
      expiry: farExpiry,
      salt: randomSalt(),
      signature: "0x",
    },
  );
  const hub = client.hub.connect(actors.requester);
  const accounts = [
    actors.appOwner.address,
    actors.poolOwner.address,
    actors.requester.address,
    actors.scheduler.address,
    ...actors.workers.map((w) => w.address),
    await actors.governance.getAddress(),
  ];

  return {
    async matchDeal(o = {}) {
      const tee = o.tee ?? true;
      const chainNow = BigInt((await chain.provider.getBlock("latest"))!.timestamp);
      const request = await signOrder(actors.requester, domain, OrderKind.Request, {
        app: p.app,
        appMaxPrice: PRICES.app,
        dataset: ZeroAddress,
        datasetMaxPrice: 0n,
        workerpool: p.workerpool,
        workerpoolMaxPrice: PRICES.workerpool,
        requester: actors.requester.address,
        volume: o.volume ?? 1n,
        tag: tee ? TEE_TAG : NO_TAG,
        category: 0n,
        trust: o.trust ?? 1n,
        beneficiary: actors.requester.address,
        callback: ZeroAddress,
        params: JSON.stringify(o.args ? { args: o.args } : {}),
        expiry: expiryIn(86_400n, chainNow),
        salt: randomSalt(),
        signature: "0x",
      });
      const sentAt = Date.now();
      const tx = await hub.matchOrders(
        tee ? appOrders.tee : appOrders.standard,
        noDatasetOrder(),
        poolOrder,
        request,
      );
      const receipt = (await tx.wait())!;
      const minedAt = Date.now();
      for (const log of receipt.logs) {
        const parsed = (() => {
          try {
            return client.hub.interface.parseLog(log);
          } catch {
            return null;
          }
        })();
        if (parsed?.name === "DealCreated") {
          const dealId = parsed.args.dealId as string;
          const deal = toDeal(parsed.args.deal);
          return {
            dealId,
            deal,
            taskIds: dealTaskIds(deal, dealId),
            block: receipt.blockNumber,
            sentAt,
            minedAt,
          };
        }
      }
      throw new Error("matchOrders emitted no DealCreated");
    },

    async status(taskId) {
      return Number((await client.taskManager.taskOf(taskId)).status);
    },

    async waitForTasks(taskIds, opts = {}) {
      const ok = opts.ok ?? ((s: number) => s === STATUS.Completed);
      const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
      let last: number[] = [];
      for (;;) {
        last = await Promise.all(
          taskIds.map(async (t) => Number((await client.taskManager.taskOf(t)).status)),
        );
        if (last.every(ok)) return;
        if (Date.now() > deadline)
          throw new Error(`tasks not done in time; statuses: ${last.join(",")}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },

    async completions(taskId) {
      const events = await client.taskManager.queryFilter(
        client.taskManager.filters.TaskCompleted(taskId),
      );
      return events.length;
    },

    async increaseTime(seconds) {
      await chain.provider.send("evm_increaseTime", [seconds]);
      await chain.provider.send("evm_mine", []);
    },

    async claim(dealId, deal, indices) {
      const tm = client.taskManager.connect(actors.requester);
      const tx =
        indices.length === 1
          ? await tm.claim(dealId, deal, indices[0])
          : await tm.claimBatch(dealId, deal, indices);
      await tx.wait();
    },

    async escrow() {
      const out: EscrowSnapshot["accounts"] = {};
      let total = await client.hub.kitty();
      for (const a of accounts) {
        const [stake, locked] = await client.hub.accountOf(a);
        out[a] = { stake, locked };
        total += stake + locked;
      }
      const held = await client.token.balanceOf(client.deployment.hub);
      return { accounts: out, kitty: await client.hub.kitty(), held, conserved: total === held };
    },

    async fetchResult(taskId) {
      const [event] = await client.taskManager.queryFilter(
        client.taskManager.filters.TaskCompleted(taskId),
      );
      if (!event) throw new Error(`task ${taskId} has no TaskCompleted event`);
      const url = Buffer.from(getBytes(event.args.results)).toString("utf8");
      const res = await fetch(url);
      if (!res.ok) throw new Error(`result download failed: HTTP ${res.status} from ${url}`);
      const blob = Buffer.from(await res.arrayBuffer());
      const archive =
        blob.subarray(0, 8).toString() === "POLISRS1"
          ? decryptResult(p.beneficiaryKeyPem, blob, getBytes(taskId))
          : blob;
      const file = unpackArchive(archive).find((e) => e.path === "result.txt");
      if (!file) throw new Error("the result has no result.txt");
      return Buffer.from(file.data).toString("utf8");
    },
  };
}
