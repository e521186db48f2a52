import type { Command } from "commander";
import type { CliIo } from "../../io.js";
import { registerOrderCancel } from "./cancel.js";
import { registerOrderInit } from "./init.js";
import { registerOrderPublish } from "./publish.js";
import { registerOrderShow } from "./show.js";
import { registerOrderSign } from "./sign.js";

/** Registers the `polis order` command group and its subcommands. */
export function registerOrder(program: Command, io: CliIo): void {
  const group = program
    .command("order")
    .description("order files: init (defaults), sign, publish, cancel, show status");
  registerOrderInit(group, io);
  registerOrderSign(group, io);
  registerOrderPublish(group, io);
  registerOrderCancel(group, io);
  registerOrderShow(group, io);
}
