import { expect } from "chai";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEther } from "ethers";
import { sha256Hex } from "../../src/core/crypto/index.js";
import { enclaveConfigHash, loadBundle, measureApp } from "../../src/core/index.js";
import type { EnclaveConfig } from "../../src/core/index.js";
import { runCli, startPolisEnv } from "./helpers/polis.js";
import type { PolisEnv } from "./helpers/polis.js";

const PASSWORD = { POLIS_PASSWORD: "owner-password-1" };
const CONFIG: EnclaveConfig = {
  entrypoint: "app.js",
  runtime: "node",
  limits: { cpuMs: 1000, memoryMb: 64, outputBytes: 1_000_000, wallMs: 5000 },
  debug: false,
};

describe("polis CLI: asset owner journey (anvil)", function () {
  this.timeout(120_000);
  let env: PolisEnv;
  let owner: string;
  let app: string;
  let dataset: string;
  let workerpool: string;
  const polis = (args: string[], extra: Record<string, string> = PASSWORD) =>
    env.polis(args, { env: extra });

  before(async () => {
    env = await startPolisEnv();
  });
  after(async () => {
    await env?.stop();
  });

  describe("init and wallet", () => {
    it("writes polis.json and an encrypted keystore wallet", async () => {
      const r = await polis(["--json", "init"]);
      expect(r.code, r.stderr).to.equal(0);
      owner = r.json.walletAddress;
      expect(owner).to.match(/^0x[0-9a-fA-F]{40}$/);
      expect(r.json.walletCreated).to.equal(true);
      const config = JSON.parse(await readFile(join(env.dir, "polis.json"), "utf8"));
      expect(config.rpc).to.equal(env.anvil.url);
      expect(config.wallet).to.equal(".polis/wallet.json");
      const keystore = await readFile(join(env.dir, ".polis", "wallet.json"), "utf8");
      const json = JSON.parse(keystore);
      expect(json.Crypto ?? json.crypto).to.have.property("kdf", "scrypt");
      expect(keystore).not.to.match(/privateKey/i);
    });

    it("shows the wallet address and empty balances without a password", async () => {
      const r = await polis(["--json", "wallet", "show"], {});
      expect(r.code, r.stderr).to.equal(0);
      expect(r.json.address).to.equal(owner);
      expect(r.json.stake).to.equal("0");
      expect(r.json.nativeBalance).to.equal("0");
    });

    it("finds polis.json from a subfolder, or from anywhere with --config", async () => {
      await mkdir(join(env.dir, "sub", "deeper"), { recursive: true });
      const below = await env.polis(["--json", "wallet", "show"], {
        cwd: join(env.dir, "sub", "deeper"),
      });
      expect(below.code, below.stderr).to.equal(0);
      expect(below.json.address).to.equal(owner);
      const elsewhere = await runCli(
        ["--json", "--config", join(env.dir, "polis.json"), "account", "show", owner],
        { cwd: tmpdir() },
      );
      expect(elsewhere.code, elsewhere.stderr).to.equal(0);
      expect(elsewhere.json.address).to.equal(owner);
    });

    it("refuses a wrong password with exit 1 and sends nothing", async () => {
      const before = await env.anvil.blockNumber();
      const r = await polis(["--json", "faucet"], { POLIS_PASSWORD: "not-the-password" });
      expect(r.code).to.equal(1);
      expect(r.json.error.name).to.equal("WrongPasswordError");
      expect(r.stderr).to.match(/^error: .*password/m);
      expect(r.stderr).not.to.match(/\n\s+at /); // no stack without --verbose
      expect(await env.anvil.blockNumber()).to.equal(before);
    });
  });

  describe("funding", () => {
    it("faucet gives an empty wallet gas money and tokens", async () => {
      const r = await polis(["--json", "faucet", "500"]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.json.amount).to.equal(parseEther("500").toString());
      expect(BigInt(r.json.gasAdded) > 0n).to.equal(true);
      expect(await env.client.token.balanceOf(owner)).to.equal(parseEther("500"));
    });

    it("deposits into the escrow in one transaction and shows free/locked", async () => {
      const d = await polis(["--json", "account", "deposit", "120"]);
      expect(d.code, d.stderr).to.equal(0);
      const tx = await env.anvil.provider.getTransaction(d.json.txHash);
      expect(tx!.to).to.equal(env.deployment.token); // transferAndCall: no approve
      const s = await polis(["--json", "account", "show"], {});
      expect(s.json.stake).to.equal(parseEther("120").toString());
      expect(s.json.locked).to.equal("0");
      expect(s.json.tokenBalance).to.equal(parseEther("380").toString());
    });

    it("refuses to withdraw more than the free balance with the named error", async () => {
      const before = await env.anvil.blockNumber();
      const r = await polis(["--json", "account", "withdraw", "1000"]);
      expect(r.code).to.equal(1);
      expect(r.json.error.name).to.equal("ContractError");
      expect(r.json.error.errorName).to.equal("EscrowInsufficientBalance");
      expect(r.json.error.args.stake).to.equal(parseEther("120").toString());
      expect(r.json.error.args.needed).to.equal(parseEther("1000").toString());
      expect(r.json.error.hint).to.match(/account deposit/);
      expect(await env.anvil.blockNumber()).to.equal(before);
    });

    it("withdraws free balance", async () => {
      const r = await polis(["--json", "account", "withdraw", "20"]);
      expect(r.code, r.stderr).to.equal(0);
      expect((await env.client.hub.accountOf(owner))[0]).to.equal(parseEther("100"));
    });
  });

  describe("assets", () => {
    it("deploys an app with checksum and measurement computed from the bundle", async () => {
      // An app folder is packed into the deterministic archive workers download and measure.
      await mkdir(join(env.dir, "anomaly"), { recursive: true });
      await writeFile(join(env.dir, "anomaly", "app.js"), 'console.log("anomaly detection")\n');
      // Without enclave.json in the folder, a TEE deploy is refused (workers measure the bundle's).
      const bare = await polis([
        "--json",
        "app",
        "deploy",
        "--name",
        "bare",
        "--uri",
        "https://apps.example/bare.polis",
        "--bundle",
        "anomaly",
        "--tee",
      ]);
      expect(bare.code).to.equal(1);
      expect(bare.json.error.message).to.contain("no enclave.json");
      await writeFile(join(env.dir, "anomaly", "enclave.json"), JSON.stringify(CONFIG));
      await writeFile(
        join(env.dir, "debug-enclave.json"),
        JSON.stringify({ ...CONFIG, debug: true }),
      );
      const differs = await polis([
        "--json",
        "app",
        "deploy",
        "--name",
        "anomaly",
        "--uri",
        "https://apps.example/anomaly.polis",
        "--bundle",
        "anomaly",
        "--enclave-config",
        "debug-enclave.json",
      ]);
      expect(differs.code).to.equal(1);
      expect(differs.json.error.message).to.contain("differs from the bundle's enclave.json");
      const r = await polis([
        "--json",
        "app",
        "deploy",
        "--name",
        "anomaly",
        "--uri",
        "https://apps.example/anomaly.polis",
        "--bundle",
        "anomaly",
        "--tee",
      ]);
      expect(r.code, r.stderr).to.equal(0);
      app = r.json.app;
      const bundle = await readFile(join(env.dir, "anomaly.polis"));
      expect(bundle.equals(await loadBundle(join(env.dir, "anomaly")))).to.equal(true);
      expect(r.json.checksum).to.equal(sha256Hex(bundle));
      expect(r.json.mrenclave).to.equal(measureApp(bundle, CONFIG));
      const record = await env.client.appRegistry.appRecord(app);
      expect(record.mrenclave).to.equal(measureApp(bundle, CONFIG));
      expect(await env.client.appRegistry.ownerOfAsset(app)).to.equal(owner);
    });

    it("shows an app from storage and its creation event", async () => {
      const r = await polis(["--json", "app", "show", app], {});
      expect(r.code, r.stderr).to.equal(0);
      expect(r.json).to.include({
        app,
        owner,
        name: "anomaly",
        uri: "https://apps.example/anomaly.polis",
        tee: true,
      });
      expect(r.json.enclaveConfigHash).to.equal(enclaveConfigHash(CONFIG));
    });

    it("refuses an unknown address with exit 1", async () => {
      const r = await polis(
        ["--json", "app", "show", "0x000000000000000000000000000000000000dEaD"],
        {},
      );
      expect(r.code).to.equal(1);
      expect(r.json.error).to.include({ name: "AssetNotFoundError", kind: "app" });
      const bad = await polis(["--json", "workerpool", "show", "0x1234"], {});
      expect(bad.code).to.equal(1);
      expect(bad.json.error.name).to.equal("UserError");
    });

    it("encrypts a dataset, printing the checksum, and deploys it", async () => {
      await writeFile(join(env.dir, "vitals.csv"), "t,hr,spo2\n0,72,98\n1,75,97\n");
      const e = await polis(["--json", "dataset", "encrypt", "vitals.csv"], {});
      expect(e.code, e.stderr).to.equal(0);
      const file = await readFile(join(env.dir, "vitals.csv.enc"));
      expect(e.json.checksum).to.equal(sha256Hex(file));
      expect(file.subarray(0, 8).toString()).to.equal("POLISDS1");
      expect(existsSync(join(env.dir, "vitals.csv.enc.key"))).to.equal(true);
      const d = await polis([
        "--json",
        "dataset",
        "deploy",
        "--name",
        "vitals",
        "--uri",
        "https://data.example/vitals.enc",
        "--file",
        "vitals.csv.enc",
      ]);
      expect(d.code, d.stderr).to.equal(0);
      dataset = d.json.dataset;
      expect(await env.client.datasetRegistry.datasetChecksum(dataset)).to.equal(e.json.checksum);
      const back = await polis(
        [
          "--json",
          "dataset",
          "decrypt",
          "vitals.csv.enc",
          "--key",
          "vitals.csv.enc.key",
          "--out",
          "check.csv",
        ],
        {},
      );
      expect(back.code, back.stderr).to.equal(0);
      expect(await readFile(join(env.dir, "check.csv"), "utf8")).to.match(/^t,hr,spo2/);
    });

    it("refuses a malformed dataset file and registers nothing", async () => {
      const before = await env.anvil.blockNumber();
      const r = await polis([
        "--json",
        "dataset",
        "deploy",
        "--name",
        "raw",
        "--uri",
        "https://x/raw",
        "--file",
        "vitals.csv",
      ]);
      expect(r.code).to.equal(1);
      expect(r.json.error.name).to.equal("MalformedDatasetFileError");
      await writeFile(join(env.dir, "truncated.enc"), Buffer.from("POLISDS1short"));
      const t = await polis(
        [
          "--json",
          "dataset",
          "decrypt",
          "truncated.enc",
          "--key",
          "vitals.csv.enc.key",
          "--out",
          "x",
        ],
        {},
      );
      expect(t.code).to.equal(1);
      expect(t.json.error.name).to.equal("MalformedDatasetFileError");
      expect(await env.anvil.blockNumber()).to.equal(before);
    });

    it("deploys and shows a worker pool", async () => {
      const d = await polis([
        "--json",
        "workerpool",
        "deploy",
        "--description",
        "city fog pool",
        "--class",
        "fog",
        "--location",
        "eu-west/paris",
      ]);
      expect(d.code, d.stderr).to.equal(0);
      workerpool = d.json.workerpool;
      const s = await polis(["--json", "workerpool", "show", workerpool], {});
      expect(s.json).to.include({
        owner,
        resourceClass: "fog",
        location: "eu-west/paris",
        description: "city fog pool",
      });
      expect(s.json.workerStakeRatio).to.equal(30);
    });

    it("grants, shows and revokes dataset use", async () => {
      const g = await polis([
        "--json",
        "dataset",
        "grant",
        dataset,
        "--app",
        app,
        "--uses",
        "3",
        "--expires-in",
        "7d",
        "--require",
      ]);
      expect(g.code, g.stderr).to.equal(0);
      const s = await polis(["--json", "dataset", "show", dataset, "--app", app], {});
      expect(s.json.grantsRequired).to.equal(true);
      expect(s.json.grant).to.include({ exists: true, live: true, uses: "3", used: "0" });
      const r = await polis(["--json", "dataset", "revoke", dataset, "--app", app]);
      expect(r.code, r.stderr).to.equal(0);
      const after = await polis(["--json", "dataset", "show", dataset, "--app", app], {});
      expect(after.json.grant).to.include({ revoked: true, live: false });
    });
  });

  describe("orders", () => {
    for (const kind of ["app", "dataset", "workerpool"] as const) {
      it(`inits and signs ${kind === "app" ? "an" : "a"} ${kind} order that the chain accepts`, async () => {
        const subject = { app, dataset, workerpool }[kind];
        const file = `${kind}-order.json`;
        const init = await polis(
          [
            "--json",
            "order",
            "init",
            kind,
            subject,
            "--price",
            "1.5",
            "--volume",
            "4",
            "--tag",
            "tee",
            "--out",
            file,
          ],
          {},
        );
        expect(init.code, init.stderr).to.equal(0);
        const unsigned = await polis(["--json", "order", "show", file], {});
        expect(unsigned.json).to.include({ signatureValid: false, open: false });
        const sign = await polis(["--json", "order", "sign", file]);
        expect(sign.code, sign.stderr).to.equal(0);
        const doc = JSON.parse(await readFile(join(env.dir, file), "utf8"));
        expect(doc.order.signature).to.match(/^0x[0-9a-f]{130}$/);
        expect(doc.order.price).to.equal(parseEther("1.5").toString());
        const shown = await polis(["--json", "order", "show", file], {});
        expect(shown.json).to.include({
          signatureValid: true,
          open: true,
          expired: false,
          remaining: "4",
          owner,
        });
        expect(shown.json.orderHash).to.equal(sign.json.orderHash);
      });
    }

    it("presigns an order on-chain", async () => {
      await polis(["order", "init", "app", app, "--out", "presigned.json"], {});
      const r = await polis(["--json", "order", "sign", "presigned.json", "--presign"]);
      expect(r.code, r.stderr).to.equal(0);
      expect(await env.client.hub.presigned(r.json.orderHash)).to.equal(owner);
      const s = await polis(["--json", "order", "show", "presigned.json"], {});
      expect(s.json).to.include({ presigned: true, signatureValid: true, open: true });
    });

    it("cancels an order for good", async () => {
      const r = await polis(["--json", "order", "cancel", "app-order.json"]);
      expect(r.code, r.stderr).to.equal(0);
      const s = await polis(["--json", "order", "show", "app-order.json"], {});
      expect(s.json).to.include({ closed: true, open: false, remaining: "0" });
    });

    it("refuses to sign an order for an asset the wallet does not own", async () => {
      const r = await polis(["--json", "order", "init", "app", app, "--out", "theirs.json"], {});
      expect(r.code).to.equal(0);
      const other = await polis(["--json", "--wallet", "other.json", "wallet", "create"]);
      expect(other.code, other.stderr).to.equal(0);
      const s = await polis(["--json", "--wallet", "other.json", "order", "sign", "theirs.json"]);
      expect(s.code).to.equal(1);
      expect(s.json.error).to.include({
        name: "NotAssetOwnerError",
        owner,
        caller: other.json.address,
      });
    });

    it("reports an unreachable market as a service failure (exit 2) with a hint", async () => {
      const r = await polis([
        "--json",
        "--market",
        "http://127.0.0.1:9",
        "app",
        "publish",
        app,
        "--price",
        "1",
      ]);
      expect(r.code).to.equal(2);
      expect(r.json.error.name).to.equal("ServiceError");
      expect(r.json.error.hint).to.contain("http://127.0.0.1:9");
      expect(r.stderr).to.match(/^error: Cannot reach the market/m);
    });
  });

  describe("services", () => {
    it("refuses a deployment file that does not match the chain", async () => {
      const dir = join(env.dir, "stale");
      await mkdir(dir, { recursive: true });
      const stale = { ...env.deployment, hub: "0x000000000000000000000000000000000000bEEF" };
      await writeFile(join(dir, "31337.json"), JSON.stringify(stale));
      const r = await env.polis(["--json", "--deployments", dir, "account", "show", owner]);
      expect(r.code).to.equal(1);
      expect(r.json.error.message).to.match(/no contract there/);
    });

    it("reports an unreachable chain as exit 2", async () => {
      const r = await env.polis([
        "--json",
        "--rpc",
        "http://127.0.0.1:9",
        "account",
        "show",
        owner,
      ]);
      expect(r.code).to.equal(2);
      expect(r.json.error.name).to.equal("ServiceError");
      expect(r.json.error.hint).to.match(/anvil|--rpc/);
    });
  });
});
