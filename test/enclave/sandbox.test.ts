import { expect } from "chai";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EnclaveLimits } from "../../src/enclave/measurement.js";
import { detectIsolation } from "../../src/enclave/sandbox/isolation.js";
import { runSandboxed, type SandboxSpec } from "../../src/enclave/sandbox/runSandboxed.js";
import { APPS_DIR } from "./helpers/teeMarket.js";
import { countingServer, expectProbeIsolated } from "./helpers/probe.js";
import { openProbeWasiApp, spinWasiApp } from "./helpers/wasm.js";

const LIMITS: EnclaveLimits = { cpuMs: 2_000, memoryMb: 128, outputBytes: 1 << 20, wallMs: 5_000 };

describe("Enclave sandbox", function () {
  this.timeout(60_000);
  let root: string;
  const iso = detectIsolation();

  /** A task folder (in, out) next to another task's folder and a worker key file. */
  function task(name = "task") {
    const dir = join(root, name);
    mkdirSync(join(dir, "in"), { recursive: true });
    mkdirSync(join(dir, "out"), { recursive: true });
    return { dir, inDir: join(dir, "in"), outDir: join(dir, "out") };
  }
  const jsSpec = (
    app: string,
    t: ReturnType<typeof task>,
    o: Partial<SandboxSpec> = {},
  ): SandboxSpec => ({
    runtime: "node",
    appDir: join(APPS_DIR, app),
    entrypoint: "app.mjs",
    inDir: t.inDir,
    outDir: t.outDir,
    limits: LIMITS,
    scratchDir: t.dir,
    ...o,
  });

  before(() => {
    root = mkdtempSync(join(tmpdir(), "polis-sandbox-"));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("runs on a machine that isolates the network and sets rlimits (root + util-linux)", () => {
    // The refusal tests below hold either way; this records what the platform enforces.
    expect(iso.network).to.equal(true);
    expect(iso.rlimits).to.equal(true);
  });

  describe("a hostile JavaScript app", () => {
    let server: Awaited<ReturnType<typeof countingServer>>;
    before(async () => {
      server = await countingServer();
    });
    after(() => server.close());

    it("cannot read another task's files or the worker's keys, spawn, start workers, escape its output or reach the network", async () => {
      const other = task("other-task");
      writeFileSync(join(other.inDir, "dataset"), "another requester's data");
      const workerDir = join(root, "worker");
      mkdirSync(workerDir, { recursive: true });
      writeFileSync(join(workerDir, "platform.key.pem"), "-----BEGIN PRIVATE KEY-----", {
        mode: 0o400,
      });
      const t = task("probe-task");
      writeFileSync(join(t.inDir, "dataset"), "mine");
      const r = await runSandboxed(
        jsSpec("probe", t, {
          args: [
            join(other.inDir, "dataset"),
            join(workerDir, "platform.key.pem"),
            String(server.port),
          ],
        }),
      );
      expect(r.outcome, r.stderr).to.equal("ok");
      const report = JSON.parse(readFileSync(join(t.outDir, "probe.json"), "utf8"));
      expectProbeIsolated(report);
      expect(server.connections()).to.equal(0);
      expect(r.networkIsolated).to.equal(true);
      expect(readdirSync(t.dir)).to.not.include("escape.txt");
    });

    it("is killed at its CPU limit when it loops forever", async () => {
      const t = task("spin");
      const r = await runSandboxed(jsSpec("spin", t, { limits: { ...LIMITS, cpuMs: 500 } }));
      expect(r.outcome).to.equal("cpu-limit");
      expect(r.signal).to.equal("SIGKILL");
      expect(r.cpuMs).to.be.within(500, 2_000);
    });

    it("reports an app that exits with a non-zero status as failed", async () => {
      const t = task("exit3");
      const appDir = join(t.dir, "app");
      mkdirSync(appDir);
      writeFileSync(join(appDir, "app.mjs"), "process.exit(3);\n");
      const r = await runSandboxed(jsSpec("exit3", t, { appDir }));
      expect(r.outcome).to.equal("failed");
      expect(r.exitCode).to.equal(3);
    });

    it("is killed at the wall-clock timeout when it idles forever", async () => {
      const t = task("sleep");
      const r = await runSandboxed(jsSpec("sleep", t, { limits: { ...LIMITS, wallMs: 700 } }));
      expect(r.outcome).to.equal("timeout");
      expect(r.wallMs).to.be.within(700, 3_000);
    });

    it("is stopped at its memory limit when it allocates until it dies", async () => {
      const t = task("membomb");
      const r = await runSandboxed(jsSpec("membomb", t, { limits: { ...LIMITS, memoryMb: 96 } }));
      expect(r.outcome).to.equal("memory-limit");
      expect(r.exitCode).to.not.equal(0);
    });

    it("is stopped when its output exceeds the limit", async () => {
      const t = task("flood");
      const r = await runSandboxed(
        jsSpec("flood", t, { limits: { ...LIMITS, outputBytes: 4 << 20 } }),
      );
      expect(r.outcome).to.equal("output-limit");
    });
  });

  describe("accounting", () => {
    it("reports the app's CPU time and peak memory from the kernel", async () => {
      const t = task("busy");
      const r = await runSandboxed(jsSpec("busy", t, { args: ["300", "64"] }));
      expect(r.outcome, r.stderr).to.equal("ok");
      expect(r.cpuMs).to.be.within(280, 2_000);
      expect(r.peakMemoryBytes).to.be.greaterThan(64 * 1024 * 1024);
      expect(r.wallMs).to.be.greaterThanOrEqual(r.cpuMs * 0.5);
      expect(r.accounting).to.equal(iso.exactAccounting ? "wait4" : "proc-sampling");
    });
  });

  describe("WASI apps", () => {
    function wasiTask(name: string, wasm: Buffer) {
      const t = task(name);
      const appDir = join(t.dir, "app");
      mkdirSync(appDir);
      writeFileSync(join(appDir, "app.wasm"), wasm);
      return { ...t, appDir };
    }
    const wasiSpec = (t: ReturnType<typeof wasiTask>, limits = LIMITS): SandboxSpec => ({
      runtime: "wasi",
      appDir: t.appDir,
      entrypoint: "app.wasm",
      inDir: t.inDir,
      outDir: t.outDir,
      limits,
      scratchDir: t.dir,
    });

    it("open files under /in (control) but nothing above it", async () => {
      const inside = wasiTask("wasi-inside", openProbeWasiApp("dataset"));
      writeFileSync(join(inside.inDir, "dataset"), "x");
      expect((await runSandboxed(wasiSpec(inside))).outcome).to.equal("ok");
      expect(readFileSync(join(inside.outDir, "result.txt"), "utf8")).to.equal("OPENED\n");

      const escape = wasiTask("wasi-escape", openProbeWasiApp("../secret.txt"));
      writeFileSync(join(escape.dir, "secret.txt"), "the worker's");
      expect((await runSandboxed(wasiSpec(escape))).outcome).to.equal("ok");
      expect(readFileSync(join(escape.outDir, "result.txt"), "utf8")).to.equal("REFUSED\n");

      const absolute = wasiTask("wasi-absolute", openProbeWasiApp("/etc/hostname"));
      expect((await runSandboxed(wasiSpec(absolute))).outcome).to.equal("ok");
      expect(readFileSync(join(absolute.outDir, "result.txt"), "utf8")).to.equal("REFUSED\n");
    });

    it("is killed when it loops forever", async () => {
      const t = wasiTask("wasi-spin", spinWasiApp());
      const r = await runSandboxed(wasiSpec(t, { ...LIMITS, cpuMs: 500 }));
      expect(r.outcome).to.equal("cpu-limit");
    });
  });
});
