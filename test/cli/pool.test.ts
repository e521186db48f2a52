import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createPoolWorld, type PoolWorld } from "../../scripts/lib/pool/world.js";
import { runCli, type CliResult } from "./helpers/polis.js";

const ROOT = process.cwd();

describe("polis pool (init, start, status) on a real chain and SMS", function () {
  this.timeout(120_000);
  let world: PoolWorld;
  let dir: string;
  let start: ChildProcess | undefined;

  before(async () => {
    world = await createPoolWorld({ workers: 1 });
    dir = join(world.root, "cli");
  });
  after(async () => {
    if (start && start.exitCode === null) start.kill("SIGKILL");
    await world?.stop();
  });

  const polis = (args: string[]): Promise<CliResult> =>
    runCli(
      [
        "--rpc",
        world.chain.url,
        "--deployments",
        world.chain.deploymentsDir,
        "--sms",
        world.sms.url,
        ...args,
      ],
      { cwd: world.root },
    );

  it("init writes pool.json, key files (0600) and enrolled TEE hosts", async () => {
    writeFileSync(join(world.root, "scheduler.key"), world.actors.scheduler.privateKey, {
      mode: 0o600,
    });
    const r = await polis([
      "--json",
      "pool",
      "init",
      "--pool",
      world.workerpool,
      "--workers",
      "2",
      "--dir",
      "cli",
      "--authority",
      world.authorityDir,
      "--scheduler-key",
      "scheduler.key",
      "--class",
      "edge",
      "--location",
      "eu-west/lyon",
      "--cpus",
      "4",
      "--memory",
      "2048",
      "--api-port",
      "0",
    ]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).not.to.contain("warning"); // the key is the pool's scheduler on-chain
    expect(r.json.scheduler.address).to.equal(world.actors.scheduler.address);
    expect(r.json.workers).to.have.length(2);
    for (const w of [r.json.scheduler, ...r.json.workers])
      expect(statSync(w.keyFile).mode & 0o777).to.equal(0o600);
    for (const w of r.json.workers) {
      expect(existsSync(join(w.platformDir, "platform.key.pem"))).to.equal(true);
      expect(statSync(join(w.platformDir, "platform.key.pem")).mode & 0o777).to.equal(0o400);
    }
    const config = JSON.parse(readFileSync(join(dir, "pool.json"), "utf8"));
    expect(config.pool).to.equal(world.workerpool);
    expect(config.workers[1]).to.include({ resourceClass: "edge", cpus: 4, tee: true });
    expect(config.workers[1].keyFile).to.equal("keys/worker1.key"); // relative: the folder moves

    const again = await polis(["pool", "init", "--pool", world.workerpool, "--dir", "cli"]);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.contain("already exists");
  });

  it("status fails clearly while the pool is down", async () => {
    const r = await polis(["--config", join(dir, "pool.json"), "pool", "status"]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/Cannot reach the pool scheduler/);
  });

  it("start runs the pool in the foreground, status lists the inventory, Ctrl-C stops it cleanly", async () => {
    const child = spawn(
      "node",
      [join(ROOT, "bin", "polis.mjs"), "--config", join(dir, "pool.json"), "pool", "start"],
      {
        cwd: world.root,
        env: { ...process.env, PATH: `${join(ROOT, "node_modules", ".bin")}:${process.env.PATH}` },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    start = child;
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    const deadline = Date.now() + 60_000;
    while (!stdout.includes("Press Ctrl-C") && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(stdout, stderr).to.contain("Press Ctrl-C");
    expect(stdout).to.match(/API and result store: http:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).to.contain(join(dir, "data", "logs"));

    let status: CliResult | undefined;
    while (Date.now() < deadline) {
      status = await polis(["--json", "--config", join(dir, "pool.json"), "pool", "status"]);
      if (status.code === 0 && status.json.workers.filter((w: any) => w.alive).length === 2) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(status!.json.workers).to.have.length(2);
    for (const w of status!.json.workers)
      expect(w).to.include({ resourceClass: "edge", cpus: 4, memoryMb: 2048, tee: true });
    const text = await polis(["--config", join(dir, "pool.json"), "pool", "status"]);
    expect(text.code, text.stderr).to.equal(0);
    expect(text.stdout).to.match(/worker\s+state\s+class\s+cpus\s+memory\s+tee\s+location\s+load/);
    expect(text.stdout).to.match(/up\s+edge\s+4\s+2048 MiB\s+yes\s+eu-west\/lyon\s+0\/2/);

    // The pool started by the CLI serves the chain's deals.
    const d = await world.matchDeal({ volume: 2n });
    await world.waitForTasks(d.taskIds, { timeoutMs: 60_000 });
    expect(await world.fetchResult(d.taskIds[0])).to.equal("ok ");

    const { pid } = JSON.parse(readFileSync(join(dir, "data", "scheduler.json"), "utf8"));
    child.kill("SIGINT");
    expect(await exited).to.equal(0);
    expect(stderr).to.contain("Pool stopped.");
    expect(() => process.kill(pid, 0)).to.throw(); // the scheduler process is gone
  });
});
