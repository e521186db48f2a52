// Trusted bootstrap of a warm sandbox: one sandboxed process that runs the tasks of one deal, one
// at a time, for an app whose measured enclave config says `"reuse": "deal"`. It is plain
// JavaScript so it runs without tsx. The supervisor (warmSandbox.ts) enforces every limit from
// outside and trusts these messages only as "the task ended": the app runs in this process and
// could send them itself.
//
// node: the entry module is imported once; its default export is called per task as
//   handler(inDir, outDir, args). Module state lives as long as the process (same deal only).
// wasi: the module is compiled once and instantiated fresh per task (no state survives a task).
import { pathToFileURL } from "node:url";

const [runtime, entryPath, inDir, outDir] = process.argv.slice(2);

async function prepare() {
  if (runtime === "wasi") {
    const { loadWasiApp } = await import("./wasiApp.mjs");
    const run = await loadWasiApp(entryPath, inDir, outDir);
    return async (args) => {
      const code = await run(args);
      if (code !== 0) throw new Error(`exit ${code}`);
    };
  }
  const handler = (await import(pathToFileURL(entryPath).href)).default;
  if (typeof handler !== "function")
    throw new Error("a reuse-deal app's entry must export default function (inDir, outDir, args)");
  return (args) => handler(inDir, outDir, args);
}

let run;
try {
  run = await prepare();
} catch (e) {
  process.send({ type: "fatal", message: e instanceof Error ? e.message : String(e) });
  process.exit(2);
}
process.on("message", async (m) => {
  if (m?.type !== "run") return;
  let ok = true;
  try {
    await run(Array.isArray(m.args) ? m.args.map(String) : []);
  } catch (e) {
    ok = false;
    process.stderr.write(`task failed: ${e instanceof Error ? e.message : String(e)}\n`);
  }
  process.send({ type: "done", id: m.id, ok });
});
process.on("disconnect", () => process.exit(0));
process.send({ type: "ready" });
