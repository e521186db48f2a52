// Trusted bootstrap that runs a WASI (preview1) app inside the sandboxed Node process. It is plain
// JavaScript so it runs without tsx. Only /in (read) and /out (write) are preopened; the Node
// permission model (--allow-wasi, --allow-fs-*) still bounds what the process can touch.
import { readFile } from "node:fs/promises";
import { WASI } from "node:wasi";

const [wasmPath, inDir, outDir, ...args] = process.argv.slice(2);
const wasi = new WASI({
  version: "preview1",
  args: ["app", "/in", "/out", ...args],
  env: {},
  preopens: { "/in": inDir, "/out": outDir },
  returnOnExit: true,
});
const module = await WebAssembly.compile(await readFile(wasmPath));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
