import { expect } from "chai";
import { existsSync } from "node:fs";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isAlive, strayProcesses } from "../../src/stack/index.js";
import type { StackState } from "../../src/stack/index.js";
import { runCli } from "../cli/helpers/polis.js";

describe("polis up / polis down", function () {
  this.timeout(180_000);
  let dir: string;
  let state: StackState;
  let env: Record<string, string>;
  const polis = (args: string[]) => runCli(["--json", ...args], { cwd: dir, env });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "polis-up-"));
  });
  after(async () => {
    if (existsSync(join(dir, ".polis", "stack.json"))) await runCli(["down"], { cwd: dir });
    await rm(dir, { recursive: true, force: true });
  });

  it("starts every service with an embedded chain and refuses a second stack", async () => {
    const up = await runCli(["up", "--json", "--workers", "2", "--log-level", "warn"], {
      cwd: dir,
    });
    expect(up.code, up.stderr).to.equal(0);
    state = up.json as StackState;
    expect(state.embeddedChain).to.equal(true);
    expect(state.processes.map((p) => p.name)).to.deep.equal([
      "chain",
      "sms",
      "market",
      "auditor",
      "scheduler",
      "worker0",
      "worker1",
    ]);
    for (const p of state.processes) expect(isAlive(p.pid), p.name).to.equal(true);
    const pool = (await (await fetch(`${state.urls.scheduler}/v1/pool`)).json()) as {
      workers: Array<{ alive: boolean; tee: boolean }>;
    };
    expect(pool.workers.filter((w) => w.alive && w.tee)).to.have.length(2);
    expect((await fetch(state.urls.explorer)).status).to.equal(200);
    env = {
      POLIS_RPC: state.urls.rpc,
      POLIS_DEPLOYMENTS: state.deploymentsDir,
      POLIS_MARKET: state.urls.market,
      POLIS_SMS: state.urls.sms,
      POLIS_PASSWORD: "a long passphrase for the journey",
    };
    const book = await polis(["orderbook", "workerpool"]);
    expect(book.code, book.stderr).to.equal(0);
    expect(book.json.total).to.equal(2);

    const again = await runCli(["up"], { cwd: dir });
    expect(again.code).to.equal(1);
    expect(again.stderr).to.contain("already running");
  });

  it("takes one wallet through every role with the CLI alone, to a verified TEE result", async () => {
    const ok = async (args: string[]) => {
      const r = await polis(args);
      expect(r.code, `polis ${args.join(" ")}: ${r.stderr}`).to.equal(0);
      return r.json;
    };
    await ok(["init"]);
    // init records the stack `polis up` printed (the exported POLIS_* variables).
    const config = JSON.parse(await readFile(join(dir, "polis.json"), "utf8"));
    expect(config).to.include({
      rpc: state.urls.rpc,
      market: state.urls.market,
      sms: state.urls.sms,
    });
    await ok(["faucet"]);
    await ok(["account", "deposit", "50"]);
    // App developer: a TEE app folder with its enclave.json, served from a file URL.
    await cp("examples/e-health/anomaly-detection", join(dir, "detector"), { recursive: true });
    const app = (
      await ok([
        "app",
        "deploy",
        "--name",
        "detector",
        "--uri",
        `file://${join(dir, "detector.polis")}`,
        "--bundle",
        "detector",
        "--tee",
      ])
    ).app as string;
    await ok(["app", "publish", app, "--price", "1", "--volume", "5", "--tag", "tee"]);
    // Dataset owner: encrypt, register, push the key, sell it to this app only.
    const rows = ["patient,ward,hour,hr,spo2,sbp,temp"];
    for (let h = 0; h < 12; h++)
      rows.push(`P1,icu,${h},${h === 5 ? 170 : 70 + (h % 3)},97,120,36.8`);
    await writeFile(join(dir, "vitals.csv"), rows.join("\n") + "\n");
    await ok(["dataset", "encrypt", "vitals.csv"]);
    const dataset = (
      await ok([
        "dataset",
        "deploy",
        "--name",
        "vitals",
        "--uri",
        `file://${join(dir, "vitals.csv.enc")}`,
        "--file",
        "vitals.csv.enc",
      ])
    ).dataset as string;
    await ok(["dataset", "push-secret", dataset, "--key", "vitals.csv.enc.key"]);
    await ok([
      "dataset",
      "publish",
      dataset,
      "--price",
      "1",
      "--app-restrict",
      app,
      "--tag",
      "tee",
    ]);
    // Requester: a result key at the SMS, then run on the market's best offers and watch.
    await ok(["result", "keygen"]);
    await ok(["result", "push-key"]);
    const run = await ok(["--yes", "run", app, "--dataset", dataset, "--tag", "tee", "--watch"]);
    const [task] = run.tasks as Array<{ taskId: string; status: string; result: { dir: string } }>;
    expect(task.status).to.equal("completed");
    const result = JSON.parse(await readFile(join(task.result.dir, "result.json"), "utf8"));
    expect(result.anomalies).to.deep.equal([
      { patient: "P1", hour: 5, vital: "hr", value: 170, z: result.anomalies[0].z },
    ]);
    // Auditor: every step passes, the enclave's certificate chain to the SMS's root included.
    const report = await ok(["verify", "task", task.taskId]);
    expect(report.complete, JSON.stringify(report.steps)).to.equal(true);
  });

  it("stops cleanly, and a second `polis down` finds nothing", async () => {
    const down = await runCli(["down"], { cwd: dir });
    expect(down.code, down.stderr).to.equal(0);
    expect(down.stdout).to.contain("Stopped chain, sms, market, auditor, scheduler");
    for (const p of state.processes) expect(isAlive(p.pid), p.name).to.equal(false);
    expect(strayProcesses(state.processes, state.dataDir)).to.deep.equal([]);
    const twice = await runCli(["down"], { cwd: dir });
    expect(twice.code).to.equal(0);
    expect(twice.stdout).to.contain("No stack is recorded");
  });
});
