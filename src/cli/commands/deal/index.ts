import type { Command } from "commander";
import type { CliIo } from "../../io.js";
import { registerDealClaim } from "./claim.js";
import { registerDealShow } from "./show.js";

/** Registers the `polis deal` command group and its subcommands. */
export function registerDeal(program: Command, io: CliIo): void {
  const group = program.command("deal").description("inspect, watch and claim deals");
  registerDealShow(group, io);
  registerDealClaim(group, io);
}
