import type { Command } from "commander";
import { OrderKind } from "../../../core/index.js";
import type { CliIo } from "../../io.js";
import { registerPublish } from "../shared/publish.js";
import { registerUnpublish } from "../shared/unpublish.js";
import { registerAppDeploy } from "./deploy.js";
import { registerAppShow } from "./show.js";

/** Registers the `polis app` command group and its subcommands. */
export function registerApp(program: Command, io: CliIo): void {
  const group = program.command("app").description("register, inspect and sell apps");
  registerAppDeploy(group, io);
  registerAppShow(group, io);
  registerPublish(group, io, OrderKind.App, [
    "polis app publish 0xApp --price 1 --volume 10 --tag tee",
    "polis app publish 0xApp --price 0.5 --requester-restrict 0xRequester --out app-order.json",
  ]);
  registerUnpublish(group, io, OrderKind.App, [
    "polis app unpublish 0xApp --all",
    "polis app unpublish 0xApp --order 0xOrderHash",
  ]);
}
