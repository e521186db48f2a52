// Trusted bootstrap that runs a WASI (preview1) app inside the sandboxed Node process, once. It is
// plain JavaScript so it runs without tsx.
import { loadWasiApp } from "./wasiApp.mjs";

const [wasmPath, inDir, outDir, ...args] = process.argv.slice(2);
const run = await loadWasiApp(wasmPath, inDir, outDir);
process.exitCode = await run(args);
