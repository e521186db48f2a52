import type { Command } from "commander";
import type { CliIo } from "../../io.js";
import { registerPoolInit } from "./init.js";
import { registerPoolStart } from "./start.js";
import { registerPoolStatus } from "./status.js";

/** Registers the `polis pool` command group: run a worker pool (scheduler + workers). */
export function registerPool(program: Command, io: CliIo): void {
  const group = program
    .command("pool")
    .description("run a worker pool: write its config, start its processes, show its inventory");
  registerPoolInit(group, io);
  registerPoolStart(group, io);
  registerPoolStatus(group, io);
}
