import { Interface, ZeroAddress, keccak256, toUtf8Bytes } from "ethers";
import type { TypedDataDomain } from "ethers";
import { dealHash, toDeal, type Deal } from "../../src/core/deal.js";
import type { PolisClient } from "../../src/sdk/client.js";

/** A deal as the SMS trusts it: from DealCreated, checked against `hub.dealHash`. */
export interface KnownDeal {
  deal: Deal;
  params: string;
}

export interface ChainHead {
  number: number;
  timestamp: number;
}

export interface GrantState {
  uses: number;
  used: number;
  expiry: number;
  revoked: boolean;
}

/** Everything the SMS reads from the chain. Reads pinned to a block are cached for that block. */
export interface SmsChain {
  chainId: bigint;
  taskDomain: TypedDataDomain;
  head(): Promise<ChainHead>;
  /** The deal, or undefined when unknown (or when the event disagrees with the stored hash). */
  deal(dealId: string): Promise<KnownDeal | undefined>;
  taskStatus(taskId: string, head: ChainHead): Promise<number>;
  grantsRequired(dataset: string, head: ChainHead): Promise<boolean>;
  grant(grantKey: string, head: ChainHead): Promise<GrantState>;
  datasetChecksum(dataset: string): Promise<string>;
  /** Current owner of an app or dataset; undefined when not registered. */
  ownerOf(registry: "app" | "dataset", asset: string): Promise<string | undefined>;
  isAttestationVerifier(address: string): Promise<boolean>;
  /**
   * Whether `account` is a contract that accepts `signature` over `digest` through ERC-1271 at
   * `head` (the check the task manager makes for a contract scheduler). False for an EOA, a
   * revert, a wrong magic value, or a call that needs more than ERC1271_GAS.
   */
  isValidErc1271(
    account: string,
    digest: string,
    signature: string,
    head: ChainHead,
  ): Promise<boolean>;
}

/** Gas an ERC-1271 wallet gets from the SMS to say yes (a wallet that burns it is a no). */
export const ERC1271_GAS = 500_000n;
const ERC1271 = new Interface([
  "function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)",
]);
const ERC1271_MAGIC = "0x1626ba7e";

export interface ChainReaderInit {
  /**
   * How long the latest block is reused before asking again, ms. Default 500; 0 = every call.
   * Between one and two TTLs old it is still used while a refresh runs in the background.
   */
  blockTtlMs?: number;
  /** Deals kept in memory. Default 10 000. */
  maxDeals?: number;
}

/**
 * The SMS's chain access over the SDK client (typechain bindings). Deals are immutable and cached
 * once verified; task status and grants are cached per block; the head is refreshed every
 * `blockTtlMs` (in the background up to 2× that, so a refresh stalls no release). Concurrent
 * identical reads share one request.
 */
export function createChainReader(client: PolisClient, init: ChainReaderInit = {}): SmsChain {
  const ttl = init.blockTtlMs ?? 500;
  const maxDeals = init.maxDeals ?? 10_000;
  const deals = new Map<string, KnownDeal>();
  const checksums = new Map<string, string>();
  const inflight = new Map<string, Promise<unknown>>();
  let blockCache = new Map<string, unknown>();
  let cachedBlock = -1;
  let headValue: { head: ChainHead; at: number } | undefined;

  const once = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    const existing = inflight.get(key) as Promise<T> | undefined;
    if (existing) return existing;
    const p = load().finally(() => inflight.delete(key));
    inflight.set(key, p);
    return p;
  };
  const perBlock = async <T>(head: ChainHead, key: string, load: () => Promise<T>) => {
    if (head.number !== cachedBlock) {
      if (head.number < cachedBlock) return load(); // an older head than cached: do not cache
      blockCache = new Map();
      cachedBlock = head.number;
    }
    if (blockCache.has(key)) return blockCache.get(key) as T;
    const value = await once(`${head.number}:${key}`, load);
    if (head.number === cachedBlock) blockCache.set(key, value);
    return value;
  };

  return {
    chainId: client.chainId,
    taskDomain: client.taskDomain,
    async head() {
      const refresh = () =>
        once("head", async () => {
          const block = await client.provider.getBlock("latest");
          if (!block) throw new Error("no latest block");
          const head = { number: block.number, timestamp: block.timestamp };
          headValue = { head, at: Date.now() };
          return head;
        });
      const age = headValue ? Date.now() - headValue.at : Infinity;
      if (ttl > 0 && age < ttl) return headValue!.head;
      // Past its TTL but younger than twice it: answer with it and refresh in the background, so
      // no request waits for the RPC round trip; older than that (the RPC is slow or down), wait.
      if (ttl > 0 && age < 2 * ttl) {
        refresh().catch(() => undefined); // the next caller past 2×TTL sees the failure
        return headValue!.head;
      }
      return refresh();
    },
    async deal(dealId) {
      const key = dealId.toLowerCase();
      const cached = deals.get(key);
      if (cached) return cached;
      return once(`deal:${key}`, async () => {
        const logs = await client.hub.queryFilter(
          client.hub.filters.DealCreated(dealId),
          client.deployment.startBlock,
        );
        if (logs.length === 0) return undefined;
        for (const log of logs) {
          const deal = toDeal(log.args.deal as unknown as Record<string, unknown>);
          const params = log.args.params;
          const stored = await client.hub.dealHash(dealId, deal.botFirst);
          if (dealHash(deal) === stored && keccak256(toUtf8Bytes(params)) === deal.paramsHash) {
            const known = { deal, params };
            if (deals.size >= maxDeals) deals.delete(deals.keys().next().value!);
            deals.set(key, known);
            return known;
          }
        }
        return undefined;
      });
    },
    taskStatus: (taskId, head) =>
      perBlock(head, `task:${taskId}`, async () =>
        Number((await client.taskManager.taskOf(taskId, { blockTag: head.number })).status),
      ),
    grantsRequired: (dataset, head) =>
      perBlock(head, `required:${dataset}`, () =>
        client.hub.grantsRequired(dataset, { blockTag: head.number }),
      ),
    grant: (grantKey, head) =>
      perBlock(head, `grant:${grantKey}`, async () => {
        const g = await client.hub.grantOf(grantKey, { blockTag: head.number });
        return {
          uses: Number(g.uses),
          used: Number(g.used),
          expiry: Number(g.expiry),
          revoked: g.revoked,
        };
      }),
    async datasetChecksum(dataset) {
      const key = dataset.toLowerCase();
      const cached = checksums.get(key);
      if (cached) return cached;
      const value = (await client.datasetRegistry.datasetChecksum(dataset)).toLowerCase();
      checksums.set(key, value);
      return value;
    },
    async ownerOf(registry, asset) {
      const r = registry === "app" ? client.appRegistry : client.datasetRegistry;
      if (asset === ZeroAddress || !(await r.exists(asset))) return undefined;
      return r.ownerOfAsset(asset);
    },
    isAttestationVerifier: (address) => client.taskManager.isAttestationVerifier(address),
    async isValidErc1271(account, digest, signature, head) {
      const code = await perBlock(head, `code:${account}`, () =>
        client.provider.getCode(account, head.number),
      );
      if (code === "0x") return false;
      try {
        const out = await client.provider.call({
          to: account,
          data: ERC1271.encodeFunctionData("isValidSignature", [digest, signature]),
          blockTag: head.number,
          gasLimit: ERC1271_GAS,
        });
        return out.slice(0, 10).toLowerCase() === ERC1271_MAGIC && out.length === 66;
      } catch {
        return false; // reverted, out of gas, or not an ERC-1271 wallet
      }
    },
  };
}
