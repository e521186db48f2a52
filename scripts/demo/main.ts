/**
 * The one-command demo: the whole marketplace on this machine, then the smart-city scenarios.
 *
 *   npm run demo                        # embedded chain (anvil), everything stopped at the end
 *   npm run demo -- --keep              # leave the stack running (stop it with `npx polis down`)
 *   npm run demo -- --rpc http://127.0.0.1:8545   # an existing anvil or `hardhat node`
 *   npm run demo -- --small             # the reduced data sizes CI uses
 *
 * Options: --data-dir <dir> (default .polis/demo, emptied first), --state <file> (default
 * .polis/stack.json), --log-level <level> (services' JSON logs, default info).
 * Exits non-zero when a step fails or a process outlives the shutdown.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";

// The in-process auditor check opens node:sqlite, which warns that it is experimental.
process.removeAllListeners("warning");
process.on("warning", (w) => {
  if (w.name !== "ExperimentalWarning") console.error(w);
});
const { runDemo } = await import("./run.js");

const { values } = parseArgs({
  options: {
    rpc: { type: "string" },
    keep: { type: "boolean", default: false },
    small: { type: "boolean", default: false },
    "data-dir": { type: "string", default: ".polis/demo" },
    state: { type: "string", default: ".polis/stack.json" },
    "log-level": { type: "string", default: "info" },
  },
});

const { code } = await runDemo({
  root: resolve(import.meta.dirname, "../.."),
  dataDir: resolve(values["data-dir"]),
  statePath: resolve(values.state),
  rpc: values.rpc,
  keep: values.keep,
  small: values.small,
  logLevel: values["log-level"],
});
process.exit(code);
