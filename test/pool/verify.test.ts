import { expect } from "chai";
import { taskId as computeTaskId } from "../../src/core/deal.js";
import { UserError } from "../../src/core/errors/index.js";
import { encodeDeal, type Assignment, type HelloResponse } from "../../src/pool/protocol.js";
import { VerifiedDeals, verifyAssignment } from "../../src/worker/verify.js";
import { ONE, deployFixture, fund } from "../helpers/fixture.js";
import { buildOrders, createAssets, match, signOrders } from "../helpers/market.js";
import { fixtureClient } from "../sms/helpers/harness.js";

describe("Worker: an assignment is checked against the chain before any work", function () {
  this.timeout(120_000);

  it("refuses an altered deal, a foreign pool and a wrong task id, also once the genuine deal was seen", async () => {
    const f = await deployFixture();
    const assets = await createAssets(f);
    await fund(f, f.actors.requester, 100n * ONE);
    await fund(f, f.actors.poolOwner, 100n * ONE);
    const { dealId, deal } = await match(
      f,
      await signOrders(f, await buildOrders(f, assets, { volume: 2n, tee: true })),
    );
    const client = await fixtureClient(f);
    const pool = { pool: assets.workerpool, scheduler: deal.scheduler } as HelloResponse;
    const worker = f.actors.requester.address;
    const assignment = (index: bigint, d = deal): Assignment => ({
      taskId: computeTaskId(dealId, index),
      dealId,
      index: index.toString(),
      deal: encodeDeal(d),
      params: "{}",
      mode: "tee",
      replicated: false,
    });
    const verified = new VerifiedDeals();
    const refusal = (a: Assignment, p = pool) =>
      verifyAssignment(client, p, worker, a, verified).then(
        () => "accepted",
        (e: Error) => (e instanceof UserError ? e.message : `unexpected: ${e.message}`),
      );

    expect(await refusal(assignment(0n))).to.equal("accepted");
    // The deal is now known: the cache is keyed by its content, so an altered copy still fails.
    const richer = { ...deal, workerpoolPrice: deal.workerpoolPrice * 100n };
    expect(await refusal(assignment(1n, richer))).to.match(/unknown on-chain or was altered/);
    expect(await refusal({ ...assignment(1n), taskId: computeTaskId(dealId, 5n) })).to.match(
      /task id does not match/,
    );
    expect(
      await refusal(assignment(1n), { ...pool, pool: "0x" + "11".repeat(20) } as HelloResponse),
    ).to.match(/another pool or scheduler/);
    expect(await refusal(assignment(1n))).to.equal("accepted");
  });
});
