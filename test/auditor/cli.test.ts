import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HDNodeWallet, NonceManager, Wallet, keccak256, toUtf8Bytes } from "ethers";
import { saveDeployment } from "../../src/sdk/deploy/deployment.js";
import { deployPolis } from "../../src/sdk/deploy/deployPolis.js";
import { startAnvil } from "../../scripts/bench/market/anvil.js";
import type { AnvilChain } from "../../scripts/bench/market/anvil.js";

describe("auditor CLI (over JSON-RPC, anvil)", function () {
  let chain: AnvilChain;
  let dir: string;

  before(async () => {
    chain = await startAnvil(21_000 + Math.floor(Math.random() * 2000));
    dir = mkdtempSync(join(tmpdir(), "polis-auditor-cli-"));
  });
  after(() => {
    chain?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("indexes the chain and passes `check` (exit 0), and fails it on a tampered index (exit 1)", async () => {
    const key = HDNodeWallet.fromPhrase(
      "test test test test test test test test test test test junk",
    ).privateKey;
    const governance = new NonceManager(new Wallet(key, chain.provider));
    const { deployment, contracts } = await deployPolis(governance, {
      faucetLimit: 10n ** 24n,
      attestationVerifiers: [new Wallet(keccak256(toUtf8Bytes("v"))).address],
    });
    await saveDeployment(deployment, dir);
    const me = await governance.getAddress();
    await (await contracts.token.faucet(me, 10n ** 20n)).wait();
    await (
      await contracts.token["transferAndCall(address,uint256)"](deployment.hub, 10n ** 20n)
    ).wait();
    await (await contracts.hub.withdraw(10n ** 19n)).wait();

    const db = join(dir, "auditor.db");
    const run = (...args: string[]) =>
      spawnSync(
        process.execPath,
        [
          "--import",
          "tsx",
          "src/auditor/cli.ts",
          ...args,
          "--rpc",
          chain.url,
          "--deployments",
          dir,
          "--db",
          db,
        ],
        {
          encoding: "utf8",
          timeout: 60_000,
        },
      );
    const ok = run("check");
    expect(ok.status, ok.stderr + ok.stdout).to.equal(0);
    expect(ok.stdout).to.match(/PASS {2}escrow-conservation/);
    expect(ok.stdout).to.match(/OK\n$/);

    const { openAuditorStore } = await import("../../src/auditor/store.js");
    const store = openAuditorStore(db);
    store.run("UPDATE accounts SET stake = '1'");
    store.close();
    const bad = run("check", "--no-sync", "--json");
    expect(bad.status).to.equal(1);
    const report = JSON.parse(bad.stdout);
    expect(report.ok).to.equal(false);
    expect(report.checks.find((c: any) => c.id === "account-balances").ok).to.equal(false);

    const usage = spawnSync(
      process.execPath,
      ["--import", "tsx", "src/auditor/cli.ts", "frobnicate"],
      { encoding: "utf8" },
    );
    expect(usage.status).to.equal(2);
    expect(usage.stderr).to.contain("usage:");
  });
});
