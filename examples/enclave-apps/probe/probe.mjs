// Isolation probe: tries what a hostile app would and writes what happened to <out>/probe.json.
// args: <path of another task's file> <path of a worker key file> <a loopback port to dial>.
// The default export is the entry of a warm (reuse "deal") sandbox too; app.mjs runs it per process.
import fs from "node:fs";
import net from "node:net";
import { join } from "node:path";

export default async function probe(inDir, outDir, [otherTaskFile, workerKeyFile, port]) {
  const report = {};
  const attempt = async (name, fn) => {
    try {
      report[name] = { ok: true, value: String(await fn()).slice(0, 80) };
    } catch (e) {
      report[name] = { ok: false, code: e.code ?? e.name };
    }
  };
  await attempt("readOwnInput", () => fs.readdirSync(inDir).length);
  await attempt("readOtherTask", () => fs.readFileSync(otherTaskFile, "utf8"));
  await attempt("readWorkerKey", () => fs.readFileSync(workerKeyFile, "utf8"));
  await attempt("readProcEnviron", () => fs.readFileSync("/proc/1/environ", "utf8"));
  await attempt("writeOutsideOut", () => fs.writeFileSync(join(inDir, "..", "escape.txt"), "x"));
  await attempt("symlinkOut", () => fs.symlinkSync(workerKeyFile, join(outDir, "key-link")));
  await attempt("env", () => JSON.stringify(process.env));
  const cp = await import("node:child_process");
  await attempt("spawn", () => cp.execFileSync("/bin/id").toString());
  const wt = await import("node:worker_threads");
  await attempt("worker", () => new wt.Worker("1", { eval: true }));
  await attempt(
    "connect",
    () =>
      new Promise((resolve, reject) => {
        const s = net.connect({ host: "127.0.0.1", port: Number(port ?? 80) });
        s.once("connect", () => {
          s.destroy();
          resolve("connected");
        });
        s.once("error", reject);
        setTimeout(
          () => reject(Object.assign(new Error("timeout"), { code: "TIMEOUT" })),
          2000,
        ).unref();
      }),
  );
  fs.writeFileSync(join(outDir, "probe.json"), JSON.stringify(report));
}
