import { expect } from "chai";
import { OrderKind, TEE_TAG } from "../../src/core/index.js";
import { withSigner } from "../../src/sdk/client.js";
import {
  buildAppOrder,
  buildRequestOrder,
  buildWorkerpoolOrder,
  getDeal,
  signOrder,
  sponsorMatchOrders,
} from "../../src/sdk/index.js";
import { ONE, deployFixture, fund, networkHelpers } from "../helpers/fixture.js";
import { createAssets } from "../helpers/market.js";
import { clientFor } from "./helpers.js";

describe("sdk/matching", () => {
  describe("sponsorMatchOrders", () => {
    it("makes the sender pay for the requester's deal", async () => {
      const f = await networkHelpers.loadFixture(deployFixture);
      const { appOwner, poolOwner, requester, stranger: sponsor } = f.actors;
      const assets = await createAssets(f, "sponsor");
      await fund(f, poolOwner, 100n * ONE);
      await fund(f, sponsor, 100n * ONE);
      const client = await clientFor(f);
      const signed = async <K extends OrderKind>(who: typeof appOwner, kind: K, order: unknown) =>
        (await signOrder(withSigner(client, who), { kind, order: order as never })).order;
      const orders = {
        appOrder: await signed(
          appOwner,
          OrderKind.App,
          await buildAppOrder(client, { app: assets.app, price: 2n * ONE, tag: TEE_TAG }),
        ),
        workerpoolOrder: await signed(
          poolOwner,
          OrderKind.Workerpool,
          await buildWorkerpoolOrder(client, {
            workerpool: assets.workerpool,
            price: 4n * ONE,
            tag: TEE_TAG,
          }),
        ),
        requestOrder: await signed(
          requester,
          OrderKind.Request,
          await buildRequestOrder(withSigner(client, requester), {
            app: assets.app,
            appMaxPrice: 2n * ONE,
            workerpoolMaxPrice: 4n * ONE,
            tag: TEE_TAG,
          }),
        ),
      };
      const { dealId, cost } = await sponsorMatchOrders(withSigner(client, sponsor), orders);
      expect(cost).to.equal(6n * ONE);
      const { deal } = await getDeal(client, { dealId });
      expect(deal.sponsor).to.equal(sponsor.address);
      expect(deal.requester).to.equal(requester.address);
      expect(await f.hub.accountOf(sponsor.address)).to.deep.equal([94n * ONE, 6n * ONE]);
      expect(await f.hub.accountOf(requester.address)).to.deep.equal([0n, 0n]);
    });
  });
});
