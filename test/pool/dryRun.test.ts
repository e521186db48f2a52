import { expect } from "chai";
import { JsonRpcProvider, Network } from "ethers";
import { ServiceError, UserError } from "../../src/core/errors/index.js";
import { createResultDryRun } from "../../src/scheduler/dryRun.js";
import { marketFixture } from "../helpers/fixture.js";
import { buildOrders, fastProof, match, signOrders } from "../helpers/market.js";

describe("Scheduler: a fast-path result is dry-run against the chain before it is queued", function () {
  this.timeout(120_000);

  it("passes a valid result, names the revert of a forged one, and tells a silent node apart", async () => {
    const f = await marketFixture();
    const { dealId, deal } = await match(
      f,
      await signOrders(f, await buildOrders(f, f.assets, { volume: 2n })),
    );
    const scheduler = f.actors.poolOwner.address;
    const dryRun = createResultDryRun(f.taskManager, f.actors.poolOwner.provider!, scheduler);
    const worker = f.actors.worker1.address;
    const valid = await fastProof(f, dealId, deal, 0n, worker);
    await dryRun(dealId, deal, valid.result);

    const refusal = (p: Promise<void>) =>
      p.then(
        () => "accepted",
        (e: Error) => (e instanceof UserError ? e.message : `unexpected: ${e.message}`),
      );
    // Another task's enclave signature, a zero worker, an altered deal.
    const other = await fastProof(f, dealId, deal, 1n, worker);
    expect(
      await refusal(
        dryRun(dealId, deal, { ...valid.result, enclaveSignature: other.result.enclaveSignature }),
      ),
    ).to.match(/^The chain would reject this result: .*TaskEnclaveSignatureInvalid/);
    expect(
      await refusal(dryRun(dealId, deal, { ...valid.result, worker: "0x" + "00".repeat(20) })),
    ).to.match(/^The chain would reject this result: .*TaskAuthorizationInvalid/);
    expect(await refusal(dryRun(dealId, { ...deal, workerpoolPrice: 1n }, valid.result))).to.match(
      /^The chain would reject this result: .*deal/i,
    );
    // Nothing was pushed: the valid result can still complete the task.
    await f.taskManager.connect(f.actors.poolOwner).pushResult(dealId, deal, valid.result, "0x");

    // A node that does not answer judges nothing: a ServiceError, not a refusal of the result.
    const silent = new JsonRpcProvider("http://127.0.0.1:9", undefined, {
      staticNetwork: Network.from(31337),
    });
    const offline = createResultDryRun(f.taskManager, silent, scheduler);
    const err = await offline(dealId, deal, other.result).catch((e: Error) => e);
    silent.destroy();
    expect(err).to.be.instanceOf(ServiceError);
  });
});
