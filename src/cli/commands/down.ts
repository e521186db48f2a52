import type { Command } from "commander";
import {
  removeStackState,
  readStackState,
  liveProcesses,
  stopInOrder,
  strayProcesses,
} from "../../stack/index.js";
import { examples, handler } from "../command.js";
import { resolveFrom } from "../config.js";
import { EXIT } from "../errors.js";
import type { CliIo } from "../io.js";

/** Registers `polis down` on the program. */
export function registerDown(program: Command, io: CliIo): void {
  const cmd = program
    .command("down")
    .description(
      "stop the stack `polis up` (or `npm run demo -- --keep`) started, and check nothing is left",
    )
    .option("--state <file>", "the running stack's record", ".polis/stack.json")
    .action(
      handler(io, async (ctx, opts: { state: string }) => {
        const statePath = resolveFrom(ctx.io.cwd, opts.state);
        const state = await readStackState(statePath);
        if (!state) {
          ctx.out.result(
            { stopped: [], state: statePath },
            () => `No stack is recorded in ${statePath}.`,
          );
          return;
        }
        const live = liveProcesses(state);
        ctx.out.status(`Stopping ${live.length} process(es)...`);
        await stopInOrder(live);
        const stray = strayProcesses(live, state.dataDir);
        if (stray.length === 0) await removeStackState(statePath);
        ctx.out.result({ stopped: live.map((p) => ({ name: p.name, pid: p.pid })), stray }, () => [
          live.length
            ? `Stopped ${live.map((p) => p.name).join(", ")}.`
            : "Nothing was running any more.",
          ...(stray.length ? [] : [`Data and logs stay in ${state.dataDir}.`]),
        ]);
        if (stray.length)
          ctx.fail(EXIT.service, `processes still running: ${stray.join(", ")} (kill them by id).`);
      }),
    );
  examples(cmd, ["polis down", "polis down --state .polis/stack.json --json"]);
}
