// Trusted helper of the sandbox bootstraps (wasiRunner.mjs, warmRunner.mjs): compiles a WASI
// (preview1) app once and runs it in a fresh instance per call. Only /in (read) and /out (write)
// are preopened; the Node permission model (--allow-wasi, --allow-fs-*) still bounds the process.
import { readFile } from "node:fs/promises";
import { WASI } from "node:wasi";

/** Compiles the app at `wasmPath`; the returned function runs it once and gives its exit code. */
export async function loadWasiApp(wasmPath, inDir, outDir) {
  const module = await WebAssembly.compile(await readFile(wasmPath));
  return async (args) => {
    const wasi = new WASI({
      version: "preview1",
      args: ["app", "/in", "/out", ...args],
      env: {},
      preopens: { "/in": inDir, "/out": outDir },
      returnOnExit: true,
    });
    const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
    return wasi.start(instance);
  };
}
