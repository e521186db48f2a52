import type { Command } from "commander";
import { MaxUint256, ZeroAddress } from "ethers";
import { OrderKind, encodeRequestParams, orderKindName } from "../../core/index.js";
import type { AppOrder, DatasetOrder, WorkerpoolOrder } from "../../core/index.js";
import { BaseError, UserError } from "../../core/errors/index.js";
import type { PolisClient } from "../../sdk/client.js";
import { getAccount } from "../../sdk/actions/account/getAccount.js";
import { watchDeal } from "../../sdk/actions/deals/watchDeal.js";
import { estimateMatch } from "../../sdk/actions/matching/estimateMatch.js";
import { matchOrders } from "../../sdk/actions/matching/matchOrders.js";
import { buildRequestOrder } from "../../sdk/actions/orders/buildRequestOrder.js";
import { chainTime } from "../../sdk/actions/orders/defaults.js";
import { signOrder } from "../../sdk/actions/orders/signOrder.js";
import { examples, handler } from "../command.js";
import { resolveFrom } from "../config.js";
import type { CliContext } from "../context.js";
import { EXIT, errorJson, exitCodeOf } from "../errors.js";
import { polis } from "../format.js";
import type { CliIo } from "../io.js";
import { keyValues } from "../output.js";
import { collect, parse } from "../parse.js";
import { readOrderFile, writeOrderFile } from "./shared/orderFiles.js";
import { fetchResult } from "./shared/results.js";
import type { FetchedResult } from "./shared/results.js";

interface RunFlags {
  dataset?: string;
  workerpool?: string;
  tag?: string;
  args?: string;
  secret?: string[];
  inputFile?: string[];
  category?: string;
  trust: string;
  volume: string;
  beneficiary?: string;
  callback?: string;
  appOrder?: string;
  datasetOrder?: string;
  workerpoolOrder?: string;
  maxPrice?: string;
  expiresIn: string;
  requestOut?: string;
  watch?: boolean;
  out: string;
  key?: string;
  poll: string;
  timeout?: string;
}

interface Offers {
  appOrder: AppOrder;
  datasetOrder?: DatasetOrder;
  workerpoolOrder: WorkerpoolOrder;
  source: string;
}

/** Registers `polis run` on its parent command. */
export function registerRun(program: Command, io: CliIo): void {
  const cmd = program
    .command("run")
    .description(
      "run an app: pick compatible orders, estimate the cost, confirm, match, watch the deal, then download, verify and decrypt the results",
    )
    .argument("<app>", "app address")
    .option("--dataset <address>", "dataset to process")
    .option("--workerpool <address>", "only this worker pool")
    .option("--tag <tags>", "required tags, e.g. tee")
    .option("--args <args>", "command-line arguments for the app")
    .option("--secret <name=value>", "requester secret pushed to the SMS (repeatable)", collect)
    .option("--input-file <url>", "input file URL (repeatable)", collect)
    .option("--category <n>", "task category (default: the workerpool order's)")
    .option("--trust <n>", "replication level", "1")
    .option("--volume <n>", "number of tasks", "1")
    .option("--beneficiary <address>", "who can decrypt the results (default: you)")
    .option("--callback <address>", "contract receiving the results")
    .option("--app-order <file>", "use this signed app order instead of the market's")
    .option("--dataset-order <file>", "use this signed dataset order")
    .option("--workerpool-order <file>", "use this signed workerpool order")
    .option("--max-price <polis>", "refuse if one task costs more than this")
    .option("--expires-in <duration>", "lifetime of the request order", "1d")
    .option("--request-out <file>", "save the signed request order")
    .option("--watch", "follow the deal and fetch the results")
    .option("--out <dir>", "results folder (with --watch)", "results")
    .option("--key <file>", "beneficiary key (default: resultKey of polis.json)")
    .option("--poll <ms>", "poll interval with --watch", "1000")
    .option("--timeout <duration>", "stop watching after this long (e.g. 30m)")
    .action(handler(io, (ctx, app: string, opts: RunFlags) => run(ctx, app, opts)));
  examples(cmd, [
    "polis run 0xApp --dataset 0xDataset --tag tee --args '--threshold 3' --watch",
    "polis run 0xApp --app-order app.json --workerpool-order pool.json --yes --watch --json",
    "polis run 0xApp --workerpool 0xPool --secret apiKey=abc --max-price 10 --watch",
  ]);
}

async function run(ctx: CliContext, appArg: string, opts: RunFlags): Promise<void> {
  const app = parse.address(appArg, "app");
  const dataset = parse.optionalAddress(opts.dataset, "--dataset");
  const workerpool = parse.optionalAddress(opts.workerpool, "--workerpool");
  const secrets = parse.pairs(opts.secret, "--secret");
  const maxPrice = parse.optionalAmount(opts.maxPrice, "--max-price");
  const client = await ctx.signerClient();
  const me = await client.signer!.getAddress();
  const tag = parse.tag(opts.tag);

  const offers = await pickOffers(ctx, client, { app, dataset, workerpool, tag, maxPrice, opts });
  checkOffers(offers, { app, dataset, workerpool });
  const taskPrice =
    offers.appOrder.price + (offers.datasetOrder?.price ?? 0n) + offers.workerpoolOrder.price;
  if (maxPrice !== undefined && taskPrice > maxPrice) {
    throw new UserError(
      `The offers cost ${polis(taskPrice)} per task, above --max-price ${polis(maxPrice)}.`,
    );
  }

  const unsigned = await buildRequestOrder(client, {
    app,
    appMaxPrice: offers.appOrder.price,
    dataset: offers.datasetOrder?.dataset,
    datasetMaxPrice: offers.datasetOrder?.price ?? 0n,
    workerpool,
    workerpoolMaxPrice: offers.workerpoolOrder.price,
    volume: parse.integer(opts.volume, "--volume", 1n),
    tag,
    category:
      opts.category === undefined
        ? offers.workerpoolOrder.category
        : parse.integer(opts.category, "--category"),
    trust: parse.integer(opts.trust, "--trust", 1n),
    beneficiary: parse.optionalAddress(opts.beneficiary, "--beneficiary"),
    callback: parse.optionalAddress(opts.callback, "--callback"),
    params: encodeRequestParams({
      args: opts.args,
      secrets: Object.keys(secrets),
      inputFiles: opts.inputFile,
    }),
    expiry: (await chainTime(client)) + parse.duration(opts.expiresIn, "--expires-in"),
  });
  const { order: requestOrder } = await signOrder(client, {
    kind: OrderKind.Request,
    order: unsigned,
  });
  if (opts.requestOut)
    await writeOrderFile(opts.requestOut, { kind: OrderKind.Request, order: requestOrder }, client);

  const orders = { ...offers, requestOrder };
  const estimate = await estimateMatch(client, orders);
  if (estimate.failure) throw estimate.failure;
  const { stake } = await getAccount(client, { address: me });
  ctx.out.status(
    keyValues([
      ["orders", offers.source],
      ["tasks", estimate.volume],
      ["per task", polis(estimate.taskPrice)],
      ["total", `${polis(estimate.cost)} (you have ${polis(stake)} free)`],
    ]).join("\n"),
  );
  await ctx.confirm(`Lock ${polis(estimate.cost)} for ${estimate.volume} task(s)?`);

  for (const [name, value] of Object.entries(secrets)) {
    const sms = await ctx.sms();
    await sms.pushSecret({
      signer: client.signer!,
      kind: "requester-secret",
      target: me,
      name,
      value: Buffer.from(value),
    });
    ctx.out.status(`Pushed secret "${name}" to the SMS.`);
  }

  const matched = await matchOrders(client, { ...orders, skipEstimate: true });
  ctx.out.status(`Deal ${matched.dealId} created (tx ${matched.txHash}).`);
  const summary = {
    dealId: matched.dealId,
    txHash: matched.txHash,
    volume: matched.volume,
    cost: matched.cost,
    orderHashes: matched.orderHashes,
    requestOrder,
  };
  if (!opts.watch) {
    ctx.out.result(summary, () => [
      `Deal ${matched.dealId}: ${matched.volume} task(s), ${polis(matched.cost)} locked.`,
      `Follow it with \`polis deal show ${matched.dealId} --watch\`.`,
    ]);
    return;
  }

  const progress = ctx.out.progress("Tasks done");
  const end = await watchDeal(client, {
    dealId: matched.dealId,
    deal: matched.deal,
    pollIntervalMs: Number(parse.integer(opts.poll, "--poll", 10n)),
    timeoutMs: opts.timeout ? Number(parse.duration(opts.timeout, "--timeout")) * 1000 : undefined,
    onProgress: (s) =>
      progress.update(
        s.counts.completed + s.counts.failed,
        s.tasks.length,
        `(${s.counts.failed} failed)`,
      ),
  });
  progress.done();
  const outDir = resolveFrom(ctx.io.cwd, opts.out);
  const tasks: Array<{
    taskId: string;
    index: bigint;
    status: string;
    result?: FetchedResult;
    error?: unknown;
    userError?: boolean;
  }> = [];
  for (const t of end.tasks) {
    if (t.status !== "completed") {
      tasks.push({ taskId: t.taskId, index: t.index, status: t.status });
      continue;
    }
    try {
      const result = await fetchResult(ctx, client, t.taskId, {
        outDir,
        keyPath: opts.key ? resolveFrom(ctx.io.cwd, opts.key) : undefined,
      });
      tasks.push({ taskId: t.taskId, index: t.index, status: t.status, result });
    } catch (error) {
      if (!(error instanceof BaseError)) throw error;
      tasks.push({
        taskId: t.taskId,
        index: t.index,
        status: t.status,
        error: errorJson(error),
        userError: exitCodeOf(error) === EXIT.user,
      });
    }
  }
  ctx.out.result({ ...summary, claimable: end.claimable, tasks }, () => [
    `Deal ${matched.dealId}:`,
    ...tasks.map((t) =>
      t.result
        ? `  #${t.index} completed, verified, ${t.result.files.length} file(s) in ${t.result.dir}`
        : t.error
          ? `  #${t.index} completed but its result could not be fetched: ${(t.error as { message: string }).message}`
          : `  #${t.index} ${t.status}`,
    ),
    ...(end.claimable
      ? [`The final deadline passed: refund the rest with \`polis deal claim ${matched.dealId}\`.`]
      : []),
  ]);
  const bad = tasks.filter((t) => !t.result).length;
  if (bad)
    ctx.fail(EXIT.service, `${bad} of ${tasks.length} task(s) did not deliver a verified result.`);
}

/** The app, dataset and workerpool orders: from files where given, else the market's best. */
async function pickOffers(
  ctx: CliContext,
  client: PolisClient,
  want: {
    app: string;
    dataset?: string;
    workerpool?: string;
    tag?: string;
    maxPrice?: bigint;
    opts: RunFlags;
  },
): Promise<Offers> {
  const { opts } = want;
  const fromFile = async <K extends OrderKind>(file: string | undefined, kind: K) => {
    if (!file) return undefined;
    const doc = await readOrderFile(file);
    if (doc.kind !== kind) {
      throw new UserError(
        `${file} holds a ${orderKindName(doc.kind)} order, not a ${orderKindName(kind)} order.`,
      );
    }
    return doc.order;
  };
  let appOrder = (await fromFile(opts.appOrder, OrderKind.App)) as AppOrder | undefined;
  let datasetOrder = (await fromFile(opts.datasetOrder, OrderKind.Dataset)) as
    DatasetOrder | undefined;
  let workerpoolOrder = (await fromFile(opts.workerpoolOrder, OrderKind.Workerpool)) as
    WorkerpoolOrder | undefined;
  const needDataset = want.dataset !== undefined && !datasetOrder;
  if (appOrder && workerpoolOrder && !needDataset) {
    return { appOrder, datasetOrder, workerpoolOrder, source: "order files" };
  }
  const market = await ctx.market();
  const draft = await buildRequestOrder(client, {
    app: want.app,
    appMaxPrice: want.maxPrice ?? MaxUint256,
    dataset: want.dataset,
    datasetMaxPrice: want.maxPrice ?? MaxUint256,
    workerpool: want.workerpool,
    workerpoolMaxPrice: want.maxPrice ?? MaxUint256,
    volume: parse.integer(opts.volume, "--volume", 1n),
    tag: want.tag,
    category: opts.category === undefined ? 0n : parse.integer(opts.category, "--category"),
    trust: parse.integer(opts.trust, "--trust", 1n),
  });
  const best = await market.bestMatch(draft);
  appOrder ??= best.appOrder.order as AppOrder;
  datasetOrder ??= best.datasetOrder?.order as DatasetOrder | undefined;
  workerpoolOrder ??= best.workerpoolOrder.order as WorkerpoolOrder;
  return { appOrder, datasetOrder, workerpoolOrder, source: `market ${market.url}` };
}

function checkOffers(
  offers: Offers,
  want: { app: string; dataset?: string; workerpool?: string },
): void {
  const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  if (!eq(offers.appOrder.app, want.app)) {
    throw new UserError(`The app order is for ${offers.appOrder.app}, not ${want.app}.`);
  }
  if (want.dataset && (!offers.datasetOrder || !eq(offers.datasetOrder.dataset, want.dataset))) {
    throw new UserError(`The dataset order is not for ${want.dataset}.`);
  }
  if (!want.dataset && offers.datasetOrder && offers.datasetOrder.dataset !== ZeroAddress) {
    throw new UserError("A dataset order was given without --dataset.", {
      hint: "Pass --dataset <address>.",
    });
  }
  if (want.workerpool && !eq(offers.workerpoolOrder.workerpool, want.workerpool)) {
    throw new UserError(
      `The workerpool order is for ${offers.workerpoolOrder.workerpool}, not ${want.workerpool}.`,
    );
  }
}
