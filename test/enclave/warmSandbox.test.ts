import { expect } from "chai";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WarmSandboxes } from "../../src/enclave/host/warmSandboxes.js";
import type { EnclaveLimits } from "../../src/enclave/measurement.js";
import { WarmSandbox, type WarmSandboxSpec } from "../../src/enclave/sandbox/warmSandbox.js";
import { APPS_DIR } from "./helpers/teeMarket.js";
import { countingServer, expectProbeIsolated } from "./helpers/probe.js";
import { openProbeWasiApp } from "./helpers/wasm.js";

const LIMITS: EnclaveLimits = { cpuMs: 2_000, memoryMb: 128, outputBytes: 1 << 20, wallMs: 5_000 };

/** A reuse-deal app whose handler does what `params` (in/params.json) says. */
const HANDLER_APP = `import { readFileSync, writeFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
let runs = 0;
const kept = [];
export default async function (inDir, outDir) {
  runs++;
  const p = readFileSync(join(inDir, "params.json"), "utf8");
  if (p === "throw") throw new Error("asked to fail");
  if (p === "exit") process.exit(0);
  if (p === "spin") for (;;) {}
  if (p === "sleep") await new Promise(() => setInterval(() => {}, 1000));
  if (p === "grow") for (;;) kept.push(new Array(1e6).fill(runs));
  if (p === "flood") for (let i = 0; ; i++) writeFileSync(join(outDir, "f" + i), Buffer.alloc(1 << 20));
  if (p === "alloc") kept.push(Buffer.alloc(64 << 20, 1));
  writeFileSync(join(outDir, "result.txt"), JSON.stringify({ runs, p, seen: readdirSync(inDir) }));
}
`;

describe("Warm enclave sandbox (apps measured with reuse: deal)", function () {
  this.timeout(60_000);
  let root: string;
  let appDir: string;
  const started: WarmSandbox[] = [];

  const start = (o: Partial<WarmSandboxSpec> = {}) =>
    WarmSandbox.start({
      runtime: "node",
      appDir,
      entrypoint: "app.mjs",
      slotDir: mkdtempSync(join(root, "slot-")),
      limits: LIMITS,
      captureStderr: true,
      ...o,
    }).then((s) => (started.push(s), s));
  const task = async (s: WarmSandbox, params: string, files: Record<string, string> = {}) => {
    writeFileSync(join(s.inDir, "params.json"), params);
    for (const [name, data] of Object.entries(files)) writeFileSync(join(s.inDir, name), data);
    return s.run();
  };
  const result = (s: WarmSandbox) =>
    JSON.parse(readFileSync(join(s.outDir, "result.txt"), "utf8")) as {
      runs: number;
      seen: string[];
    };

  before(() => {
    root = mkdtempSync(join(tmpdir(), "polis-warm-"));
    appDir = join(root, "app");
    mkdirSync(appDir);
    writeFileSync(join(appDir, "app.mjs"), HANDLER_APP);
  });
  afterEach(async () => {
    for (const s of started.splice(0)) {
      s.close();
      await s.closed();
    }
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("runs one task after another in one process, each seeing only its own input", async () => {
    const s = await start();
    const first = await task(s, "a", { dataset: "first requester's task" });
    expect(first.outcome, first.stderr).to.equal("ok");
    expect(result(s)).to.deep.include({ runs: 1, seen: ["dataset", "params.json"] });
    await s.wipe();
    expect(readdirSync(s.inDir)).to.deep.equal([]);
    expect(readdirSync(s.outDir)).to.deep.equal([]);
    const second = await task(s, "b");
    expect(second.outcome).to.equal("ok");
    // Module state outlives a task (documented: one deal only); files do not.
    expect(result(s)).to.deep.include({ runs: 2, seen: ["params.json"] });
    expect(second.networkIsolated).to.equal(true);
    expect(second.accounting).to.equal("proc-sampling");
    expect(s.usable).to.equal(true);
  });

  it("measures each task's peak memory from its own start", async () => {
    const s = await start();
    const big = await task(s, "alloc");
    expect(big.outcome, big.stderr).to.equal("ok");
    expect(big.peakMemoryBytes).to.be.greaterThan(64 << 20);
    await s.wipe();
    const small = await task(s, "small");
    expect(small.outcome).to.equal("ok");
    // The 64 MiB stay referenced, so the resident set stays too; the counter was reset though.
    expect(small.peakMemoryBytes).to.be.lessThan(big.peakMemoryBytes + (8 << 20));
  });

  describe("a hostile app", () => {
    let server: Awaited<ReturnType<typeof countingServer>>;
    before(async () => {
      server = await countingServer();
    });
    after(() => server.close());

    it("is bound as a per-task process is: no other files, keys, environment, children, workers or network", async () => {
      const other = join(root, "other-task");
      mkdirSync(other, { recursive: true });
      writeFileSync(join(other, "dataset"), "another requester's data");
      const key = join(root, "platform.key.pem");
      writeFileSync(key, "-----BEGIN PRIVATE KEY-----", { mode: 0o400 });
      const s = await start({ appDir: join(APPS_DIR, "probe"), entrypoint: "probe.mjs" });
      writeFileSync(join(s.inDir, "dataset"), "mine");
      const r = await s.run([join(other, "dataset"), key, String(server.port)]);
      expect(r.outcome, r.stderr).to.equal("ok");
      const report = JSON.parse(readFileSync(join(s.outDir, "probe.json"), "utf8"));
      expectProbeIsolated(report);
      expect(server.connections()).to.equal(0);
    });

    const killed = [
      ["spin", "cpu-limit", { cpuMs: 500 }],
      ["sleep", "timeout", { wallMs: 700 }],
      ["grow", "memory-limit", { memoryMb: 96 }],
      ["flood", "output-limit", { outputBytes: 4 << 20 }],
      ["throw", "failed", {}],
      ["exit", "failed", {}],
    ] as const;
    for (const [params, outcome, limits] of killed)
      it(`ends as ${outcome} (${params}) and the process is not used again`, async () => {
        const s = await start({ limits: { ...LIMITS, ...limits } });
        const r = await task(s, params);
        expect(r.outcome, r.stderr).to.equal(outcome);
        expect(s.usable).to.equal(false);
        await s.closed(); // the process is gone, not merely set aside
        if (outcome === "cpu-limit") expect(r.cpuMs).to.be.within(500, 2_000);
        if (outcome === "timeout") expect(r.wallMs).to.be.within(700, 3_000);
      });

    it("cannot start without a default export, with a clear error", async () => {
      const bad = join(root, "no-handler");
      mkdirSync(bad, { recursive: true });
      writeFileSync(join(bad, "app.mjs"), "export const x = 1;\n");
      let message = "";
      await start({ appDir: bad }).catch((e: Error) => (message = e.message));
      expect(message).to.match(/must export default function \(inDir, outDir, args\)/);
    });
  });

  it("gives a WASI app a fresh instance per task in one process", async () => {
    const wasmDir = join(root, "wasi-app");
    mkdirSync(wasmDir, { recursive: true });
    writeFileSync(join(wasmDir, "app.wasm"), openProbeWasiApp("dataset"));
    const s = await start({ runtime: "wasi", appDir: wasmDir, entrypoint: "app.wasm" });
    for (let i = 0; i < 2; i++) {
      writeFileSync(join(s.inDir, "dataset"), "x");
      expect((await s.run()).outcome).to.equal("ok");
      expect(readFileSync(join(s.outDir, "result.txt"), "utf8")).to.equal("OPENED\n");
      await s.wipe();
    }
  });

  describe("the host's warm sandboxes", () => {
    const starter = (slotDir: string) =>
      WarmSandbox.start({
        runtime: "node",
        appDir,
        entrypoint: "app.mjs",
        slotDir,
        limits: LIMITS,
      });

    it("lends a sandbox only to tasks of its own deal, and empties it between tasks", async () => {
      const warm = new WarmSandboxes({ workDir: join(root, "host-a") });
      const a1 = await warm.acquire("deal-a", starter);
      writeFileSync(join(a1.sandbox.inDir, "params.json"), "x");
      expect((await a1.sandbox.run()).outcome).to.equal("ok");
      await warm.release(a1, true);
      expect(readdirSync(a1.sandbox.outDir)).to.deep.equal([]);
      const b = await warm.acquire("deal-b", starter);
      expect(b.sandbox).to.not.equal(a1.sandbox);
      const a2 = await warm.acquire("deal-a", starter);
      expect(a2.sandbox).to.equal(a1.sandbox);
      await warm.release(b, true);
      await warm.release(a2, true);
      expect(warm.idleCount).to.equal(2);
      await warm.closeAll();
      expect(readdirSync(join(root, "host-a"))).to.deep.equal([]);
    });

    it("retires a sandbox that failed a task, and idle ones after their idle time", async () => {
      const warm = new WarmSandboxes({ workDir: join(root, "host-b"), idleMs: 200 });
      const failed = await warm.acquire("deal", starter);
      writeFileSync(join(failed.sandbox.inDir, "params.json"), "throw");
      expect((await failed.sandbox.run()).outcome).to.equal("failed");
      await warm.release(failed, false);
      expect(existsSync(failed.slotDir)).to.equal(false);
      const next = await warm.acquire("deal", starter);
      expect(next.sandbox).to.not.equal(failed.sandbox);
      await warm.release(next, true);
      expect(warm.idleCount).to.equal(1);
      await new Promise((r) => setTimeout(r, 600));
      expect(warm.idleCount).to.equal(0);
      await next.sandbox.closed();
      for (let i = 0; i < 50 && existsSync(next.slotDir); i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(existsSync(next.slotDir)).to.equal(false);
    });
  });
});
