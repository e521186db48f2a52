import type { Command } from "commander";
import { OrderKind, encodeRequestParams } from "../../../core/index.js";
import type { AnyOrder } from "../../../core/index.js";
import type { PolisClient } from "../../../sdk/client.js";
import { buildAppOrder } from "../../../sdk/actions/orders/buildAppOrder.js";
import { buildDatasetOrder } from "../../../sdk/actions/orders/buildDatasetOrder.js";
import { buildWorkerpoolOrder } from "../../../sdk/actions/orders/buildWorkerpoolOrder.js";
import { buildRequestOrder } from "../../../sdk/actions/orders/buildRequestOrder.js";
import { chainTime } from "../../../sdk/actions/orders/defaults.js";
import { parse } from "../../parse.js";

/** Raw order flags as commander collects them. */
export interface OrderFlags {
  price?: string;
  volume?: string;
  tag?: string;
  category?: string;
  trust?: string;
  appRestrict?: string;
  datasetRestrict?: string;
  workerpoolRestrict?: string;
  requesterRestrict?: string;
  expiresIn?: string;
  expiry?: string;
  appMaxPrice?: string;
  dataset?: string;
  datasetMaxPrice?: string;
  workerpool?: string;
  workerpoolMaxPrice?: string;
  requester?: string;
  beneficiary?: string;
  callback?: string;
  params?: string;
  args?: string;
}

/** Adds the flags of one order kind to a command. */
export function addOrderOptions(cmd: Command, kind: OrderKind): Command {
  const common = (c: Command) =>
    c
      .option("--volume <n>", "number of tasks the order covers", "1")
      .option("--tag <tags>", "required/offered tags: tee, gpu, ... (comma-separated)")
      .option("--expires-in <duration>", "lifetime: 600, 15m, 2h, 30d (default 30d)")
      .option("--expiry <unix>", "absolute expiry timestamp");
  if (kind === OrderKind.Request) {
    return common(cmd)
      .option("--app-max-price <polis>", "most the requester pays the app per task", "0")
      .option("--dataset <address>", "dataset to use")
      .option("--dataset-max-price <polis>", "most paid to the dataset per task", "0")
      .option("--workerpool <address>", "only this pool may run it (default: any)")
      .option("--workerpool-max-price <polis>", "most paid to the pool per task", "0")
      .option("--requester <address>", "requester (default: the wallet)")
      .option("--category <n>", "task category (0 = XS)", "0")
      .option("--trust <n>", "replication level", "1")
      .option("--beneficiary <address>", "who can decrypt the results (default: requester)")
      .option("--callback <address>", "contract receiving results")
      .option("--args <args>", "command-line arguments for the app")
      .option("--params <json>", "raw params JSON (overrides --args)");
  }
  common(cmd).option("--price <polis>", "price per task in POLIS", "0");
  if (kind === OrderKind.Workerpool) {
    cmd
      .option("--category <n>", "task category (0 = XS)", "0")
      .option("--trust <n>", "trust offered", "1");
  }
  if (kind !== OrderKind.App) cmd.option("--app-restrict <address>", "only this app");
  if (kind !== OrderKind.Dataset) cmd.option("--dataset-restrict <address>", "only this dataset");
  if (kind !== OrderKind.Workerpool)
    cmd.option("--workerpool-restrict <address>", "only this pool");
  cmd.option("--requester-restrict <address>", "only this requester");
  return cmd;
}

/** Builds an unsigned order of `kind` for `subject` (asset, or app for requests) from flags. */
export async function buildOrderFromFlags(
  client: PolisClient,
  kind: OrderKind,
  subject: string,
  f: OrderFlags,
): Promise<AnyOrder> {
  const expiry =
    f.expiry !== undefined
      ? parse.integer(f.expiry, "--expiry")
      : f.expiresIn !== undefined
        ? (await chainTime(client)) + parse.duration(f.expiresIn, "--expires-in")
        : undefined;
  const volume = parse.integer(f.volume ?? "1", "--volume", 1n);
  const tag = parse.tag(f.tag);
  const addr = (v: string | undefined, flag: string) => parse.optionalAddress(v, flag);
  switch (kind) {
    case OrderKind.App:
      return buildAppOrder(client, {
        app: parse.address(subject, "app"),
        price: parse.amount(f.price ?? "0", "--price"),
        volume,
        tag,
        datasetRestrict: addr(f.datasetRestrict, "--dataset-restrict"),
        workerpoolRestrict: addr(f.workerpoolRestrict, "--workerpool-restrict"),
        requesterRestrict: addr(f.requesterRestrict, "--requester-restrict"),
        expiry,
      });
    case OrderKind.Dataset:
      return buildDatasetOrder(client, {
        dataset: parse.address(subject, "dataset"),
        price: parse.amount(f.price ?? "0", "--price"),
        volume,
        tag,
        appRestrict: addr(f.appRestrict, "--app-restrict"),
        workerpoolRestrict: addr(f.workerpoolRestrict, "--workerpool-restrict"),
        requesterRestrict: addr(f.requesterRestrict, "--requester-restrict"),
        expiry,
      });
    case OrderKind.Workerpool:
      return buildWorkerpoolOrder(client, {
        workerpool: parse.address(subject, "workerpool"),
        price: parse.amount(f.price ?? "0", "--price"),
        volume,
        tag,
        category: parse.integer(f.category ?? "0", "--category"),
        trust: parse.integer(f.trust ?? "1", "--trust", 1n),
        appRestrict: addr(f.appRestrict, "--app-restrict"),
        datasetRestrict: addr(f.datasetRestrict, "--dataset-restrict"),
        requesterRestrict: addr(f.requesterRestrict, "--requester-restrict"),
        expiry,
      });
    default:
      return buildRequestOrder(client, {
        app: parse.address(subject, "app"),
        appMaxPrice: parse.amount(f.appMaxPrice ?? "0", "--app-max-price"),
        dataset: addr(f.dataset, "--dataset"),
        datasetMaxPrice: parse.amount(f.datasetMaxPrice ?? "0", "--dataset-max-price"),
        workerpool: addr(f.workerpool, "--workerpool"),
        workerpoolMaxPrice: parse.amount(f.workerpoolMaxPrice ?? "0", "--workerpool-max-price"),
        requester: addr(f.requester, "--requester"),
        volume,
        tag,
        category: parse.integer(f.category ?? "0", "--category"),
        trust: parse.integer(f.trust ?? "1", "--trust", 1n),
        beneficiary: addr(f.beneficiary, "--beneficiary"),
        callback: addr(f.callback, "--callback"),
        params: f.params ?? encodeRequestParams({ args: f.args }),
        expiry,
      });
  }
}

/** The flags of every order kind at once (for `order init <kind>`). */
export function addAllOrderOptions(cmd: Command): Command {
  addOrderOptions(cmd, OrderKind.Request);
  return cmd
    .option("--price <polis>", "price per task in POLIS (app, dataset, workerpool)", "0")
    .option("--app-restrict <address>", "only this app")
    .option("--dataset-restrict <address>", "only this dataset")
    .option("--workerpool-restrict <address>", "only this pool")
    .option("--requester-restrict <address>", "only this requester");
}
