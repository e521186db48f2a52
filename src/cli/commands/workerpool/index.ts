import type { Command } from "commander";
import { OrderKind } from "../../../core/index.js";
import type { CliIo } from "../../io.js";
import { registerPublish } from "../shared/publish.js";
import { registerUnpublish } from "../shared/unpublish.js";
import { registerWorkerpoolDeploy } from "./deploy.js";
import { registerWorkerpoolShow } from "./show.js";

/** Registers the `polis workerpool` command group and its subcommands. */
export function registerWorkerpool(program: Command, io: CliIo): void {
  const group = program
    .command("workerpool")
    .description("register, inspect and sell worker pools");
  registerWorkerpoolDeploy(group, io);
  registerWorkerpoolShow(group, io);
  registerPublish(group, io, OrderKind.Workerpool, [
    "polis workerpool publish 0xPool --price 5 --volume 100 --tag tee --category 0 --trust 1",
  ]);
  registerUnpublish(group, io, OrderKind.Workerpool, ["polis workerpool unpublish 0xPool --all"]);
}
