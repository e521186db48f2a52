import { deployFixture, fund, ONE, ethers } from "../../test/helpers/fixture.js";
import { buildOrders, createAssets, fastProof, match, signOrders } from "../../test/helpers/market.js";

async function profile(hash: string, label: string) {
  const t: any = await ethers.provider.send("debug_traceTransaction", [hash, { disableStorage: true, disableMemory: true, disableStack: false }]);
  const rc = await ethers.provider.getTransactionReceipt(hash);
  const by: Record<string, number> = {};
  const logs = t.structLogs;
  for (let i = 0; i < logs.length; i++) {
    const l = logs[i];
    let cost = l.gasCost;
    if (["CALL", "STATICCALL", "DELEGATECALL"].includes(l.op)) {
      // exclude gas forwarded: cost = gas before - gas after return at same depth
      let j = i + 1; while (j < logs.length && logs[j].depth > l.depth) j++;
      const inner = j < logs.length ? l.gas - logs[j].gas : l.gasCost;
      // own = inner - sum of child ops; approximate by children counted separately
      let childSum = 0; for (let k = i + 1; k < j; k++) if (logs[k].depth === l.depth + 1) childSum += 0;
      cost = 0; by[l.op + "(overhead)"] = (by[l.op + "(overhead)"] ?? 0) + (inner - (logs[i + 1]?.depth > l.depth ? (l.gas - inner >= 0 ? 0 : 0) : 0));
      continue;
    }
    by[l.op] = (by[l.op] ?? 0) + cost;
  }
  const sorted = Object.entries(by).sort((a, b) => b[1] - a[1]).slice(0, 25);
  console.log(label, "gasUsed", rc!.gasUsed.toString(), "exec", t.gas, "steps", logs.length);
  for (const [k, v] of sorted) console.log("  ", k.padEnd(22), v);
  // SSTORE detail
  for (const l of logs) if (l.op === "SSTORE" && l.gasCost > 3000) console.log("   SSTORE", l.gasCost, "depth", l.depth, "pc", l.pc);
  for (const l of logs) if (l.op.startsWith("LOG")) console.log("   ", l.op, l.gasCost, "depth", l.depth);
}

const f = await deployFixture();
const assets = await createAssets(f, "tee");
await fund(f, f.actors.requester, 100_000n * ONE);
await fund(f, f.actors.poolOwner, 100_000n * ONE);
const set = await signOrders(f, await buildOrders(f, assets, { volume: 1n }));
const { dealId, deal, receipt } = await match(f, set);
const proof = await fastProof(f, dealId, deal, 0n, f.actors.worker1.address);
const tx = await f.taskManager.connect(f.actors.worker1).pushResult(dealId, deal, proof.result, proof.authorization);
const r = await tx.wait();
await profile(receipt.hash, "match");
await profile(r!.hash, "push");
const data = tx.data; let z = 0, nz = 0; for (let i = 2; i < data.length; i += 2) (data.slice(i, i + 2) === "00" ? z++ : nz++);
console.log("push calldata bytes", (data.length - 2) / 2, "zero", z, "nonzero", nz, "gas", z * 4 + nz * 16);
