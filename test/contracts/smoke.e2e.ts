import { expect } from "chai";
import { deployFixture, fund, networkHelpers, ONE } from "../helpers/fixture.js";
import { buildOrders, createAssets, fastProof, match, signOrders } from "../helpers/market.js";

describe("Polis smoke", () => {
  it("runs a 1-task TEE deal end to end", async () => {
    const f = await networkHelpers.loadFixture(deployFixture);
    const assets = await createAssets(f);
    await fund(f, f.actors.requester, 100n * ONE);
    await fund(f, f.actors.poolOwner, 100n * ONE);
    const set = await signOrders(f, await buildOrders(f, assets));
    const { dealId, deal, receipt } = await match(f, set);
    console.log("match gas", receipt.gasUsed);
    const proof = await fastProof(f, dealId, deal, 0n, f.actors.worker1.address);
    const tx = await f.taskManager
      .connect(f.actors.worker1)
      .pushResult(dealId, deal, proof.result, proof.authorization);
    const r = await tx.wait();
    console.log("push gas", r!.gasUsed);
    const cost = (d: string) => {
      const b = Buffer.from(d.slice(2), "hex");
      let z = 0;
      for (const x of b) if (x === 0) z++;
      return { bytes: b.length, cost: z * 4 + (b.length - z) * 16 };
    };
    for (const [label, hash] of [
      ["match", receipt.hash],
      ["push", tx.hash],
    ] as const) {
      const trace = await (f.hub.runner!.provider as any).send("debug_traceTransaction", [
        hash,
        { disableStack: true, disableMemory: true, disableStorage: true },
      ]);
      const by: Record<string, number> = {};
      const logs = trace.structLogs as Array<{ op: string; gasCost: number; depth: number }>;
      for (let i = 0; i < logs.length; i++) {
        const l = logs[i];
        let c = l.gasCost;
        if (["CALL", "STATICCALL", "DELEGATECALL"].includes(l.op)) {
          c = Math.min(c, 2700);
        }
        by[l.op] = (by[l.op] ?? 0) + c;
      }
      const top = Object.entries(by)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 14);
      console.log(label, "exec", trace.gas, JSON.stringify(top));
    }
    console.log(
      "match calldata",
      cost((await receipt.getTransaction()).data),
      "push calldata",
      cost(tx.data),
    );
    expect((await f.taskManager.taskOf(proof.taskId)).status).to.equal(3n);
    const [stake] = await f.hub.accountOf(f.actors.appOwner.address);
    expect(stake).to.equal(3n * ONE);
  });
});
