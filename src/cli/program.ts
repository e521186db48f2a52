import { Command } from "commander";
import { registerAccount } from "./commands/account/index.js";
import { registerApp } from "./commands/app/index.js";
import { registerDataset } from "./commands/dataset/index.js";
import { registerDeal } from "./commands/deal/index.js";
import { registerInit } from "./commands/init.js";
import { registerOrder } from "./commands/order/index.js";
import { registerOrderbook } from "./commands/orderbook/index.js";
import { registerPool } from "./commands/pool/index.js";
import { registerResult } from "./commands/result/index.js";
import { registerRun } from "./commands/run.js";
import { registerDown } from "./commands/down.js";
import { registerUp } from "./commands/up.js";
import { registerTask } from "./commands/task/index.js";
import { registerVerify } from "./commands/verify/index.js";
import { registerWallet } from "./commands/wallet/index.js";
import { registerWorkerpool } from "./commands/workerpool/index.js";
import { examples } from "./command.js";
import type { CliIo } from "./io.js";

export const VERSION = "0.1.0";

/** Builds the `polis` command tree with its global flags. */
export function createProgram(io: CliIo): Command {
  const program = new Command("polis")
    .description("Polis: a trusted marketplace for compute and data")
    .version(VERSION)
    .option("--chain <name>", "chain from polis.json (or a chain id); default: local")
    .option("--rpc <url>", "JSON-RPC URL (overrides the chain's)")
    .option("--deployments <dir>", "folder of deployments/<chainId>.json")
    .option("--config <file>", "project config (default: polis.json here or above)")
    .option("--wallet <file>", "keystore file (default: .polis/wallet.json)")
    .option("--password <password>", "keystore password (prefer POLIS_PASSWORD)")
    .option("--market <url>", "market URL (default http://127.0.0.1:13400)")
    .option("--sms <url>", "SMS URL (default http://127.0.0.1:13300)")
    .option("--json", "machine-readable output on stdout")
    .option("-y, --yes", "answer yes to confirmations")
    .option("-v, --verbose", "details and stack traces on errors")
    .showHelpAfterError("(add --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  examples(program, [
    "polis up",
    "polis init",
    "polis faucet && polis account deposit 100",
    "polis app deploy --name hello --uri https://apps.example/hello.js --bundle hello.js",
    "polis run 0xApp --dataset 0xDataset --tag tee --watch",
    "polis verify task 0xTaskId",
  ]);
  registerInit(program, io);
  registerWallet(program, io);
  registerAccount(program, io);
  registerApp(program, io);
  registerDataset(program, io);
  registerWorkerpool(program, io);
  registerPool(program, io);
  registerOrder(program, io);
  registerOrderbook(program, io);
  registerRun(program, io);
  registerDeal(program, io);
  registerTask(program, io);
  registerResult(program, io);
  registerVerify(program, io);
  registerUp(program, io);
  registerDown(program, io);
  return program;
}
