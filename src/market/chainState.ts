import { Interface, ZeroAddress } from "ethers";
import type { PolisClient } from "../sdk/client.js";
import { OrderKind } from "../core/index.js";
import { ChainUnavailableError } from "./errors.js";
import { createEthCall } from "./ethCall.js";
import type { Clock } from "./types.js";

/** The chain head the book is validated against. */
export interface Head {
  number: number;
  timestamp: bigint;
}

/**
 * Chain reads the market needs, cached per block: every read is made at the current head's block
 * number, so cached values are exact for that block, and the cache is dropped when the head moves.
 */
export interface ChainState {
  /** Latest block (re-read at most every `headTtlMs`). */
  head(): Promise<Head>;
  /** Current owner of an asset (lowercase), or the zero address when it is not registered. */
  ownerOf(kind: OrderKind, asset: string): Promise<string>;
  consumed(orderHash: string): Promise<bigint>;
  /** Whether `signer` presigned the order (presigns count per signer). */
  isPresigned(orderHash: string, signer: string): Promise<boolean>;
  /** Free escrow stake of an account. */
  stakeOf(account: string): Promise<bigint>;
  hasCode(account: string): Promise<boolean>;
  /** ERC-1271 `isValidSignature(digest, signature)` of a contract signer. */
  isValidErc1271(signer: string, digest: string, signature: string): Promise<boolean>;
  /** Raw `eth_call` at the current head (or `blockTag`), returning the hex result. */
  call(to: string, data: string, blockTag?: number): Promise<string>;
  /** Forgets the cached head (the next read fetches it). */
  invalidate(): void;
}

/** Options of createChainState. */
export interface ChainStateOptions {
  /** How long a head stays current, in ms (default 250; 0 = read it on every call). */
  headTtlMs?: number;
}

const ERC1271 = new Interface([
  "function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)",
]);
const ERC1271_MAGIC = "0x1626ba7e";

/** Creates the cached chain reader. */
export function createChainState(
  client: PolisClient,
  clock: Clock,
  options: ChainStateOptions = {},
): ChainState {
  const ttl = options.headTtlMs ?? 250;
  let head: { value: Promise<Head>; at: number } | undefined;
  let cacheBlock = -1;
  let cache = new Map<string, Promise<unknown>>();

  const wrap = async <T>(what: string, p: Promise<T>): Promise<T> => {
    try {
      return await p;
    } catch (cause) {
      throw new ChainUnavailableError(`Could not read ${what} from the chain.`, { cause });
    }
  };

  // Stale-while-revalidate: once a head is known, an expired one is refreshed in the background
  // and served for up to 4 TTLs, so requests do not wait on eth_getBlock (except with TTL 0).
  let settled: { value: Head; at: number } | undefined;
  const fetchHead = (now: number): Promise<Head> => {
    const value = wrap(
      "the latest block",
      client.provider.getBlock("latest").then((b) => {
        if (!b) throw new Error("no latest block");
        return { number: b.number, timestamp: BigInt(b.timestamp) };
      }),
    );
    head = { value, at: now };
    value.then(
      (v) => (settled = { value: v, at: now }),
      () => (head = undefined),
    );
    return value;
  };
  const readHead = (): Promise<Head> => {
    const now = clock.now();
    if (ttl === 0) return fetchHead(now);
    if (head && now - head.at < ttl) return head.value;
    if (settled && now - settled.at < 4 * ttl) {
      if (!head || now - head.at >= ttl) void fetchHead(now).catch(() => undefined);
      return Promise.resolve(settled.value);
    }
    return fetchHead(now);
  };

  const cached = async <T>(key: string, read: (blockTag: number) => Promise<T>): Promise<T> => {
    const { number } = await readHead();
    if (number !== cacheBlock) {
      cacheBlock = number;
      cache = new Map();
    }
    let p = cache.get(key) as Promise<T> | undefined;
    if (!p) {
      p = wrap(key.split(":")[0], read(number));
      cache.set(key, p);
      p.catch(() => cache.delete(key));
    }
    return p;
  };

  const d = client.deployment;
  const registry = (kind: OrderKind) =>
    kind === OrderKind.App
      ? d.appRegistry
      : kind === OrderKind.Dataset
        ? d.datasetRegistry
        : d.workerpoolRegistry;
  const selector = (name: "consumed" | "isPresigned" | "accountOf") =>
    client.hub.interface.getFunction(name).selector;
  const SELECTORS = {
    ownerOfAsset: client.appRegistry.interface.getFunction("ownerOfAsset")!.selector,
    consumed: selector("consumed"),
    isPresigned: selector("isPresigned"),
    accountOf: selector("accountOf"),
  };
  const pad = (hex: string) => hex.slice(2).toLowerCase().padStart(64, "0");
  // Direct eth_call (skips the ethers Contract and AbstractProvider layers, ~10x less CPU), the
  // reads of one event-loop turn in one JSON-RPC batch.
  const rawCall = createEthCall(client.provider);
  const asAddress = (ret: string) => "0x" + ret.slice(26, 66).toLowerCase();

  return {
    head: readHead,
    ownerOf: (kind, asset) =>
      cached(`owner:${kind}:${asset.toLowerCase()}`, async (blockTag) =>
        asAddress(await rawCall(registry(kind), SELECTORS.ownerOfAsset + pad(asset), blockTag)),
      ),
    consumed: (h) =>
      cached(`consumed:${h}`, async (blockTag) =>
        BigInt(await rawCall(d.hub, SELECTORS.consumed + pad(h), blockTag)),
      ),
    isPresigned: (h, signer) =>
      cached(
        `presigned:${h}:${signer.toLowerCase()}`,
        async (blockTag) =>
          BigInt(await rawCall(d.hub, SELECTORS.isPresigned + pad(h) + pad(signer), blockTag)) ===
          1n,
      ),
    stakeOf: (account) =>
      cached(`stake:${account.toLowerCase()}`, async (blockTag) => {
        const ret = await rawCall(d.hub, SELECTORS.accountOf + pad(account), blockTag);
        return BigInt("0x" + ret.slice(2, 66));
      }),
    hasCode: (account) =>
      cached(`code:${account.toLowerCase()}`, async (blockTag) => {
        if (account === ZeroAddress) return false;
        const code = await client.provider.getCode(account, blockTag);
        return code !== "0x";
      }),
    isValidErc1271: (signer, digest, signature) =>
      cached(`erc1271:${signer}:${digest}:${signature}`, async (blockTag) => {
        try {
          const data = ERC1271.encodeFunctionData("isValidSignature", [digest, signature]);
          const ret = await client.provider.call({ to: signer, data, blockTag });
          return ret.length >= 10 && ret.slice(0, 10).toLowerCase() === ERC1271_MAGIC;
        } catch {
          return false; // a reverting wallet counts as invalid, as on chain
        }
      }),
    call: async (to, data, blockTag) =>
      wrap("eth_call", rawCall(to, data, blockTag ?? (await readHead()).number)),
    invalidate: () => {
      head = undefined;
      settled = undefined;
    },
  };
}
