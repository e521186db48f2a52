import { AbiCoder, keccak256, solidityPackedKeccak256, toBeHex } from "ethers";

/** A deal as fixed at match time; the hub stores only `dealHash(deal)`. */
export interface Deal {
  app: string;
  appOwner: string;
  appPrice: bigint;
  mrenclave: string;
  dataset: string;
  datasetOwner: string;
  datasetPrice: bigint;
  workerpool: string;
  workerpoolOwner: string;
  scheduler: string;
  workerpoolPrice: bigint;
  requester: string;
  sponsor: string;
  beneficiary: string;
  callback: string;
  paramsHash: string;
  tag: string;
  category: bigint;
  trust: bigint;
  timeRef: bigint;
  botFirst: bigint;
  botSize: bigint;
  startTime: bigint;
  workerpoolStake: bigint;
  workerStake: bigint;
  schedulerRewardRatio: bigint;
  grantKey: string;
}

/** Field order and ABI types of the Solidity `Deal` struct. */
export const DEAL_FIELDS: ReadonlyArray<readonly [keyof Deal, string]> = [
  ["app", "address"],
  ["appOwner", "address"],
  ["appPrice", "uint256"],
  ["mrenclave", "bytes32"],
  ["dataset", "address"],
  ["datasetOwner", "address"],
  ["datasetPrice", "uint256"],
  ["workerpool", "address"],
  ["workerpoolOwner", "address"],
  ["scheduler", "address"],
  ["workerpoolPrice", "uint256"],
  ["requester", "address"],
  ["sponsor", "address"],
  ["beneficiary", "address"],
  ["callback", "address"],
  ["paramsHash", "bytes32"],
  ["tag", "bytes32"],
  ["category", "uint256"],
  ["trust", "uint256"],
  ["timeRef", "uint256"],
  ["botFirst", "uint256"],
  ["botSize", "uint256"],
  ["startTime", "uint256"],
  ["workerpoolStake", "uint256"],
  ["workerStake", "uint256"],
  ["schedulerRewardRatio", "uint256"],
  ["grantKey", "bytes32"],
];

const DEAL_TUPLE = `tuple(${DEAL_FIELDS.map(([, t]) => t).join(",")})`;

/** Deadline ratios of the category time reference (as PoCo). */
export const CONTRIBUTION_DEADLINE_RATIO = 7n;
export const REVEAL_DEADLINE_RATIO = 2n;
export const FINAL_DEADLINE_RATIO = 10n;

/** Builds a typed Deal from an ethers Result or any object with the deal's fields. */
export function toDeal(value: Record<string, unknown> | ArrayLike<unknown>): Deal {
  const out: Record<string, unknown> = {};
  DEAL_FIELDS.forEach(([name, type], i) => {
    const v =
      (value as Record<string, unknown>)[name] ?? (value as ArrayLike<unknown>)[i] ?? undefined;
    if (v === undefined) throw new Error(`deal field "${name}" is missing`);
    out[name] = type === "uint256" ? BigInt(v as bigint) : String(v);
  });
  return out as unknown as Deal;
}

/**
 * The deal's digest: keccak256(abi.encode(deal)) with its lowest bit cleared (the hub keeps the
 * first task's fast-path outcome in that bit). What `Polis.dealHash(dealId, deal.botFirst)`
 * returns.
 */
export function dealHash(deal: Deal): string {
  const values = DEAL_FIELDS.map(([name]) => deal[name]);
  return dealDigest(keccak256(AbiCoder.defaultAbiCoder().encode([DEAL_TUPLE], [values])));
}

/** A keccak256 of a deal's encoding, as the hub stores it: the lowest bit cleared. */
export function dealDigest(keccak: string): string {
  return toBeHex(BigInt(keccak) & ~1n, 32);
}

/** Deal id = keccak256(abi.encode(requestOrderHash, consumedBefore)). */
export function dealId(requestOrderHash: string, consumedBefore: bigint): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(["bytes32", "uint256"], [requestOrderHash, consumedBefore]),
  );
}

/** Task id = keccak256(abi.encodePacked(dealId, index)). */
export function taskId(dealIdValue: string, index: bigint | number): string {
  return solidityPackedKeccak256(["bytes32", "uint256"], [dealIdValue, BigInt(index)]);
}

/** All task ids of a deal, in index order. */
export function taskIds(deal: Pick<Deal, "botFirst" | "botSize">, dealIdValue: string): string[] {
  const ids: string[] = [];
  for (let i = deal.botFirst; i < deal.botFirst + deal.botSize; i++)
    ids.push(taskId(dealIdValue, i));
  return ids;
}

export function contributionDeadline(deal: Deal): bigint {
  return deal.startTime + deal.timeRef * CONTRIBUTION_DEADLINE_RATIO;
}

export function finalDeadline(deal: Deal): bigint {
  return deal.startTime + deal.timeRef * FINAL_DEADLINE_RATIO;
}

/** Price of one task: app + dataset + workerpool asks. */
export function taskPrice(deal: Deal): bigint {
  return deal.appPrice + deal.datasetPrice + deal.workerpoolPrice;
}
