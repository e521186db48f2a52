import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Wallet, computeAddress, SigningKey } from "ethers";
import { readFileSync } from "node:fs";
import { TaskManager__factory } from "../../types/index.js";
import { openSmsStore } from "../../sms/store/smsStore.js";
import { verifyDatabase } from "../../sms/store/maintenance.js";
import { startAnvil, type AnvilChain } from "./helpers/anvil.js";
import { writeAuthority } from "./helpers/authorityFiles.js";
import { http } from "./helpers/harness.js";
import { pushSecret } from "./helpers/pushClient.js";
import { bundledSmsEntry, spawnSms } from "./helpers/smsProcess.js";

describe("SMS process (sms/main.ts on anvil)", function () {
  this.timeout(180_000);
  let root: string;
  let chain: AnvilChain;
  let baseEnv: Record<string, string>;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), "polis-sms-proc-"));
    chain = await startAnvil(root);
    await writeAuthority(join(root, "authority"));
    baseEnv = {
      SMS_RPC_URL: chain.url,
      SMS_DEPLOYMENTS_DIR: chain.deploymentsDir,
      SMS_ATTESTATION_DIR: join(root, "authority"),
    };
  });
  after(async () => {
    await chain.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const admin = (...args: string[]) => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "sms/admin.ts", ...args], {
      encoding: "utf8",
    });
    return {
      status: r.status,
      report: r.stdout ? JSON.parse(r.stdout.trim().split("\n").pop()!) : undefined,
      stderr: r.stderr,
    };
  };

  it("creates its keys with mode 0400, serves, and shuts down gracefully on SIGTERM", async () => {
    const data = join(root, "graceful");
    const sms = await spawnSms({ ...baseEnv, SMS_DATA_DIR: data });
    expect(statSync(join(data, "master.key")).mode & 0o777).to.equal(0o400);
    expect(statSync(join(data, "verifier.key")).mode & 0o777).to.equal(0o400);
    const verifier = computeAddress(
      new SigningKey(readFileSync(join(data, "verifier.key"), "utf8").trim()).publicKey,
    );
    expect(sms.logs.some((l) => l.includes("not registered on-chain"))).to.equal(true);
    const health = await http("GET", `${sms.url}/v1/health`);
    expect(health).to.deep.equal({ status: 200, body: { ok: true, verifier } });
    const metrics = await fetch(`${sms.url}/metrics`).then((r) => r.text());
    expect(metrics).to.include("polis_sms_http_request_duration_seconds");

    // Governance registers the verifier: the next start no longer warns.
    const tm = TaskManager__factory.connect(chain.deployment.taskManager, chain.governance);
    await (await tm.setAttestationVerifier(verifier, true)).wait();
    sms.proc.kill("SIGTERM");
    expect(await sms.exited).to.equal(0);
    expect(sms.logs.some((l) => l.includes('"SMS stopped"'))).to.equal(true);
    const again = await spawnSms({ ...baseEnv, SMS_DATA_DIR: data });
    expect(again.logs.some((l) => l.includes("not registered on-chain"))).to.equal(false);
    again.proc.kill("SIGTERM");
    expect(await again.exited).to.equal(0);
  });

  it("backs up a live database, verifies it, and restores it", async () => {
    const data = join(root, "backup");
    const sms = await spawnSms({ ...baseEnv, SMS_DATA_DIR: data, SMS_RATE_LIMIT_SCALE: "0" });
    const owner = Wallet.createRandom();
    const values = new Map<string, Buffer>();
    for (let i = 0; i < 5; i++) {
      const value = randomBytes(24);
      const r = await pushSecret({
        url: sms.url,
        chainId: 31337n,
        signer: owner,
        kind: "requester-secret",
        target: owner.address,
        name: `k${i}`,
        value,
      });
      expect(r.status).to.equal(200);
      values.set(`k${i}`, value);
    }
    const backup = join(root, "backup.db");
    const b = admin("backup", join(data, "sms.db"), backup);
    expect(b.status, b.stderr).to.equal(0);
    expect(b.report).to.include({ integrity: "ok", auditOk: true, auditRows: 5, ok: true });
    expect(statSync(backup).mode & 0o777).to.equal(0o600);
    const v = admin("verify", backup, "--master-key", join(data, "master.key"));
    expect(v.report).to.include({ ok: true, secrets: 5 });
    expect(v.report.corruptSecrets).to.deep.equal([]);

    // Writes after the backup are lost by a restore; everything before it comes back.
    const late = await pushSecret({
      url: sms.url,
      chainId: 31337n,
      signer: owner,
      kind: "requester-secret",
      target: owner.address,
      name: "late",
      value: randomBytes(8),
    });
    expect(late.status).to.equal(200);
    sms.proc.kill("SIGTERM");
    expect(await sms.exited).to.equal(0);
    expect(admin("restore", backup, join(data, "sms.db")).status).to.equal(1); // needs --force
    const r = admin("restore", backup, join(data, "sms.db"), "--force");
    expect(r.status, r.stderr).to.equal(0);
    const store = await openSmsStore({
      dbPath: join(data, "sms.db"),
      masterKeyPath: join(data, "master.key"),
    });
    try {
      for (const [name, value] of values)
        expect(store.secrets.get("requester-secret", owner.address, name)!.equals(value)).to.equal(
          true,
        );
      expect(store.secrets.exists("requester-secret", owner.address, "late")).to.equal(false);
    } finally {
      store.close();
    }
    expect(admin("verify", join(root, "missing.db")).status).to.not.equal(0);
  });

  it("survives 100 SIGKILLs during writes: every acknowledged secret is intact, nothing corrupt is accepted", async () => {
    const lanes = 4;
    const cycles = 25;
    const entry = await bundledSmsEntry();
    const started = Date.now();
    const runLane = async (lane: number) => {
      const data = join(root, `crash-${lane}`);
      const env = {
        ...baseEnv,
        SMS_DATA_DIR: data,
        SMS_RATE_LIMIT_SCALE: "0",
        SMS_CRYPTO_THREADS: "0", // the one-file bundle carries no worker entry
        NODE_COMPILE_CACHE: join(process.cwd(), "test-artifacts", "node-compile-cache"),
      };
      const writers = Array.from({ length: 3 }, () => Wallet.createRandom());
      const acked = new Map<string, { owner: string; value: Buffer }>();
      const attempted = new Map<string, { owner: string; value: Buffer }>();
      let kills = 0;
      let previous: string[] = [];
      for (let cycle = 0; cycle < cycles; cycle++) {
        const sms = await spawnSms(env, 30_000, entry);
        // What the last incarnation acknowledged is visible to this one.
        for (const name of previous) {
          const { owner } = acked.get(name)!;
          const r = await http("GET", `${sms.url}/v1/secrets/requester-secret/${owner}/${name}`);
          expect(r.status, `lane ${lane} cycle ${cycle} lost ${name}`).to.equal(200);
        }
        previous = [];
        let firstAck!: () => void;
        const gotAck = new Promise<void>((r) => (firstAck = r));
        let stop = false;
        let lastError: unknown;
        const write = async (w: (typeof writers)[number], i: number) => {
          for (let n = 0; !stop; n++) {
            const name = `l${lane}-c${cycle}-w${i}-${n}`;
            const value = randomBytes(20);
            attempted.set(name, { owner: w.address, value });
            try {
              const r = await pushSecret({
                url: sms.url,
                chainId: 31337n,
                signer: w,
                kind: "requester-secret",
                target: w.address,
                name,
                value,
              });
              if (r.status === 200) {
                acked.set(name, { owner: w.address, value });
                previous.push(name);
                firstAck();
              }
            } catch (e) {
              lastError = e;
              return; // the SMS died mid-request: not acknowledged
            }
          }
        };
        const loops = writers.map((w, i) => write(w, i));
        await Promise.race([
          gotAck,
          new Promise((_, reject) =>
            setTimeout(
              () =>
                reject(
                  new Error(`no push acknowledged: ${String(lastError)} ${sms.logs.join("\n")}`),
                ),
              15_000,
            ),
          ),
        ]);
        await new Promise((r) => setTimeout(r, Math.random() * 60));
        sms.proc.kill("SIGKILL");
        kills++;
        expect(await sms.exited).to.equal("SIGKILL");
        stop = true;
        await Promise.all(loops);
      }
      // After the last kill: open the files as the next start would.
      const store = await openSmsStore({
        dbPath: join(data, "sms.db"),
        masterKeyPath: join(data, "master.key"),
      });
      let unacknowledgedStored = 0;
      try {
        for (const [name, { owner, value }] of acked)
          expect(store.secrets.get("requester-secret", owner, name)?.equals(value), name).to.equal(
            true,
          );
        for (const [name, { owner, value }] of attempted) {
          if (acked.has(name)) continue;
          const got = store.secrets.get("requester-secret", owner, name); // throws if corrupt
          if (got) {
            expect(got.equals(value)).to.equal(true);
            unacknowledgedStored++;
          }
        }
        expect(store.audit.verify().ok).to.equal(true);
      } finally {
        store.close();
      }
      const report = await verifyDatabase(join(data, "sms.db"), join(data, "master.key"));
      expect(report).to.include({ integrity: "ok", auditOk: true, ok: true });
      return { kills, acked: acked.size, attempted: attempted.size, unacknowledgedStored };
    };
    const results = await Promise.all(Array.from({ length: lanes }, (_, i) => runLane(i)));
    const total = results.reduce(
      (a, r) => ({
        kills: a.kills + r.kills,
        acked: a.acked + r.acked,
        attempted: a.attempted + r.attempted,
        unacknowledgedStored: a.unacknowledgedStored + r.unacknowledgedStored,
      }),
      { kills: 0, acked: 0, attempted: 0, unacknowledgedStored: 0 },
    );
    console.log(
      `      crash test (${entry.join(" ")}): ${JSON.stringify(total)} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(total.kills).to.equal(100);
    expect(total.acked).to.be.greaterThan(100);
  });
});
