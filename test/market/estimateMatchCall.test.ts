import { expect } from "chai";
import { Interface } from "ethers";
import { OrderKind, noDatasetOrder } from "../../src/core/index.js";
import { encodeEstimateMatch } from "../../src/market/estimateMatchCall.js";
import { Polis__factory } from "../../types/index.js";
import { deployFixture, networkHelpers } from "../helpers/fixture.js";
import { buildOrders, createAssets, signOrders } from "../helpers/market.js";

describe("market estimateMatch calldata", () => {
  it("encodes exactly as ethers' ABI coder (with and without a dataset, unicode params)", async () => {
    const f = await networkHelpers.loadFixture(deployFixture);
    const set = await signOrders(f, await buildOrders(f, await createAssets(f)));
    const iface = new Interface(Polis__factory.abi);
    const selector = iface.getFunction("estimateMatch")!.selector;
    for (const [d, params] of [
      [set.datasetOrder, '{"args":"--threshold 3"}'],
      [noDatasetOrder(), "paramètres ✓ " + "x".repeat(70)],
    ] as const) {
      const r = { ...set.requestOrder, params };
      const args = [set.appOrder, d, set.workerpoolOrder, r, f.actors.requester.address] as const;
      expect(encodeEstimateMatch(selector, ...args)).to.equal(
        iface.encodeFunctionData("estimateMatch", args as any),
      );
    }
    expect(OrderKind.App).to.equal(0);
  });
});
