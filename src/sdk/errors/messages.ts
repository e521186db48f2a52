import { formatUnits } from "ethers";

/** What a message can say about the caller, to speak of "your" balance. */
export interface ErrorContext {
  /** The address that sent (or would send) the transaction. */
  sender?: string;
}

export interface ErrorDescriptionText {
  message: string;
  hint?: string;
}

type Args = Record<string, unknown>;
type Describer = (args: Args, ctx: ErrorContext) => ErrorDescriptionText;

const KINDS = ["app", "dataset", "workerpool", "request"];
const RESTRICTIONS = [
  "request -> workerpool",
  "app -> dataset",
  "app -> workerpool",
  "app -> requester",
  "dataset -> app",
  "dataset -> workerpool",
  "dataset -> requester",
  "workerpool -> app",
  "workerpool -> dataset",
  "workerpool -> requester",
];
const TASK_STATUSES = ["unset", "active", "revealing", "completed", "failed"];

/** Formats a token amount (18 decimals) as "12.5 POLIS". */
export function formatPolis(value: unknown): string {
  return `${formatUnits(BigInt(value as bigint), 18)} POLIS`;
}

const amount = (v: unknown) => formatUnits(BigInt(v as bigint), 18);
const kind = (v: unknown) => KINDS[Number(v)] ?? `kind ${String(v)}`;
const same = (a: unknown, b?: string) =>
  typeof a === "string" && b !== undefined && a.toLowerCase() === b.toLowerCase();
const time = (v: unknown) => new Date(Number(v) * 1000).toISOString();
const short = (h: unknown) => String(h).slice(0, 10) + "…";

const DESCRIBERS: Record<string, Describer> = {
  EscrowInsufficientBalance: (a, ctx) =>
    same(a.account, ctx.sender)
      ? {
          message: `Your free balance is ${amount(a.stake)} POLIS but ${amount(a.needed)} is needed.`,
          hint: "Deposit with `polis account deposit <amount>`.",
        }
      : {
          message: `Account ${a.account} has ${amount(a.stake)} POLIS free but ${amount(a.needed)} is needed.`,
          hint: "That account (e.g. the workerpool owner, for its stake) must deposit more.",
        },
  EscrowInsufficientLocked: (a) => ({
    message: `Account ${a.account} has ${amount(a.locked)} POLIS locked but ${amount(a.needed)} must be released.`,
  }),
  EscrowAmountInvalid: (a) => ({
    message: `Invalid amount ${String(a.amount)}: it must be above zero and fit 128 bits.`,
  }),
  EscrowAccountZero: () => ({ message: "The account must not be the zero address." }),
  ERC20InsufficientBalance: (a, ctx) => ({
    message: `${same(a.sender, ctx.sender) ? "Your wallet holds" : `${a.sender} holds`} ${amount(a.balance)} POLIS but ${amount(a.needed)} is needed.`,
    hint: "Get tokens with `polis faucet` on a dev chain, or receive some from another account.",
  }),
  TokenFaucetDisabled: () => ({
    message: "The faucet is disabled on this chain.",
    hint: "Get POLIS tokens from another account.",
  }),
  TokenFaucetLimitExceeded: (a) => ({
    message: `The faucet gives at most ${amount(a.limit)} POLIS per call (asked ${amount(a.requested)}).`,
  }),
  OrderSignatureInvalid: (a) => ({
    message: `The ${kind(a.kind)} order ${short(a.orderHash)} is not signed (or presigned) by its current owner ${a.signer}.`,
    hint: "Sign it with the owner's wallet (`polis order sign <file>`) or use a published order.",
  }),
  SignatureLengthInvalid: (a) => ({
    message: `A signature is ${String(a.length)} bytes long; 65 are expected.`,
  }),
  SignatureMalleable: () => ({ message: "A signature is malleable (high s) and was refused." }),
  OrderExpired: (a) => ({
    message: `The ${kind(a.kind)} order ${short(a.orderHash)} expired at ${time(a.expiry)}.`,
    hint: "Use a fresh order (`polis orderbook ...`) or sign a new one.",
  }),
  OrderNotOwner: (a) => ({
    message: `Only the owner of the ${kind(a.kind)} order ${short(a.orderHash)} may do this (caller ${a.caller}).`,
  }),
  MatchCategoryMismatch: (a) => ({
    message: `The request asks category ${String(a.requestCategory)} but the workerpool order offers ${String(a.workerpoolCategory)}.`,
  }),
  MatchCategoryUnknown: (a) => ({ message: `Category ${String(a.category)} does not exist.` }),
  MatchTrustTooHigh: (a) => ({
    message: `The request asks trust ${String(a.requested)} but the workerpool offers ${String(a.offered)}.`,
  }),
  MatchPriceTooHigh: (a) => ({
    message: `The ${kind(a.kind)} order asks ${amount(a.price)} POLIS but the request allows at most ${amount(a.maxPrice)}.`,
    hint: "Raise the max price of the request, or pick a cheaper order.",
  }),
  MatchTagUnsupported: (a) => ({
    message: `The workerpool order (tag ${String(a.offered)}) lacks tags the deal requires (${String(a.required)}).`,
    hint: "Pick a workerpool that offers the required tags (e.g. tee).",
  }),
  MatchTeeAppRequired: (a) => ({
    message: `A TEE deal needs a TEE app order and an app with a measurement; app ${a.app} does not qualify.`,
  }),
  MatchAppMismatch: (a) => ({
    message: `The request is for app ${a.requested} but the app order is for ${a.offered}.`,
  }),
  MatchDatasetMismatch: (a) => ({
    message: `The request is for dataset ${a.requested} but the dataset order is for ${a.offered}.`,
  }),
  MatchRestricted: (a) => ({
    message: `The ${RESTRICTIONS[Number(a.restriction)] ?? "order"} restriction allows only ${a.allowed}, not ${a.actual}.`,
  }),
  MatchAssetUnknown: (a) => ({
    message: `The ${kind(a.kind)} ${a.asset} is not registered.`,
  }),
  MatchVolumeZero: () => ({
    message:
      "No volume is left on one of the orders (filled or cancelled), or on the dataset grant.",
    hint: "Pick other orders (`polis orderbook ...`).",
  }),
  GrantMissing: (a) => ({
    message: `Dataset ${a.dataset} requires a grant for app ${a.app} and requester ${a.requester}.`,
    hint: "Ask the dataset owner for one (`polis dataset grant`).",
  }),
  GrantRevoked: (a) => ({ message: `The dataset grant ${short(a.grantKey)} was revoked.` }),
  GrantExpired: (a) => ({
    message: `The dataset grant ${short(a.grantKey)} expired at ${time(a.expiry)}.`,
  }),
  GrantExhausted: (a) => ({
    message: `The dataset grant ${short(a.grantKey)} has used all its ${String(a.uses)} uses.`,
  }),
  GrantNotDatasetOwner: (a) => ({
    message: `Only the owner of dataset ${a.dataset} may manage its grants (caller ${a.caller}).`,
  }),
  GrantParamsInvalid: (a) => ({
    message: `A grant needs at least one use and a future expiry (got ${String(a.uses)} uses, expiry ${String(a.expiry)}).`,
  }),
  RegistryAssetExists: (a) => ({
    message: `This exact asset is already registered at ${a.asset}.`,
    hint: "Change its name or URI, or look at it with `polis <app|dataset|workerpool> show`.",
  }),
  RegistryAssetUnknown: (a) => ({ message: `No asset is registered at ${a.asset}.` }),
  RegistryNotOwner: (a) => ({ message: `${a.caller} does not own asset ${a.asset}.` }),
  RegistryFieldInvalid: (a) => ({
    message: `The ${String(a.field)} is empty or too long.`,
  }),
  WorkerpoolRatioInvalid: (a) => ({
    message: `Ratio ${String(a.ratio)} is not a percentage (0-100).`,
  }),
  DealUnknown: (a) => ({ message: `Deal ${a.dealId} is unknown (or its data does not match).` }),
  TaskIndexOutOfRange: (a) => ({
    message: `Task index ${String(a.index)} is outside the deal's tasks [${String(a.botFirst)}, +${String(a.botSize)}).`,
  }),
  TaskStatusInvalid: (a) => ({
    message: `Task ${short(a.taskId)} is ${TASK_STATUSES[Number(a.status)] ?? String(a.status)}, which does not allow this.`,
  }),
  TaskFinalDeadlineNotReached: (a) => ({
    message: `Task ${short(a.taskId)} can be claimed only after its final deadline, ${time(a.deadline)}.`,
    hint: "Wait and claim with `polis deal claim <dealId> --watch`.",
  }),
  TaskContributionDeadlinePassed: (a) => ({
    message: `The contribution deadline of task ${short(a.taskId)} passed at ${time(a.deadline)}.`,
  }),
  TaskBatchInvalid: (a) => ({ message: `A batch of ${String(a.length)} tasks is not allowed.` }),
};

/**
 * A one-line message and a hint for a decoded custom error. Unknown errors get a generic line
 * naming the error and its arguments.
 */
export function describeContractError(
  errorName: string,
  args: Args,
  context: ErrorContext = {},
): ErrorDescriptionText {
  const describer = DESCRIBERS[errorName];
  if (describer) return describer(args, context);
  const list = Object.entries(args)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(", ");
  return { message: `The contract rejected the call: ${errorName}(${list}).` };
}
