import type { Command } from "commander";
import type { CliIo } from "../../io.js";
import { registerResultDecrypt } from "./decrypt.js";
import { registerResultDownload } from "./download.js";
import { registerResultKeygen } from "./keygen.js";
import { registerResultPushKey } from "./pushKey.js";

/** Registers the `polis result` command group and its subcommands. */
export function registerResult(program: Command, io: CliIo): void {
  const group = program
    .command("result")
    .description("beneficiary result key; download, verify and decrypt results");
  registerResultKeygen(group, io);
  registerResultPushKey(group, io);
  registerResultDownload(group, io);
  registerResultDecrypt(group, io);
}
