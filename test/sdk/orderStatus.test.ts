import { expect } from "chai";
import { OrderKind } from "../../src/core/index.js";
import { withSigner } from "../../src/sdk/client.js";
import {
  buildAppOrder,
  cancelOrder,
  getOrderStatus,
  presignOrder,
  signOrder,
} from "../../src/sdk/index.js";
import { NotAssetOwnerError } from "../../src/sdk/errors/index.js";
import { ONE, deployFixture, fund, networkHelpers } from "../helpers/fixture.js";
import { buildOrders, createAssets, match, signOrders } from "../helpers/market.js";
import { clientFor } from "./helpers.js";

describe("sdk/getOrderStatus", () => {
  async function setUp() {
    const f = await networkHelpers.loadFixture(deployFixture);
    const assets = await createAssets(f, "status");
    const client = await clientFor(f);
    const owner = withSigner(client, f.actors.appOwner);
    const unsigned = await buildAppOrder(client, { app: assets.app, volume: 5n });
    return { f, assets, client, owner, unsigned };
  }

  it("counts a signature only while the signer still owns the asset", async () => {
    const { f, assets, client, owner, unsigned } = await setUp();
    const { order } = await signOrder(owner, { kind: OrderKind.App, order: unsigned });
    expect(await getOrderStatus(client, { kind: OrderKind.App, order })).to.include({
      signatureValid: true,
      open: true,
      remaining: 5n,
    });
    await (
      await f.appRegistry
        .connect(f.actors.appOwner)
        .transferFrom(f.actors.appOwner.address, f.actors.stranger.address, BigInt(assets.app))
    ).wait();
    const after = await getOrderStatus(client, { kind: OrderKind.App, order });
    expect(after).to.include({
      signatureValid: false,
      open: false,
      owner: f.actors.stranger.address,
    });
  });

  it("reports presigned and cancelled orders", async () => {
    const { f, client, owner, unsigned } = await setUp();
    await presignOrder(owner, { kind: OrderKind.App, order: unsigned });
    expect(await getOrderStatus(client, { kind: OrderKind.App, order: unsigned })).to.include({
      presigned: true,
      signatureValid: true,
    });
    const stranger = withSigner(client, f.actors.stranger);
    const refused = await cancelOrder(stranger, { kind: OrderKind.App, order: unsigned }).catch(
      (e: unknown) => e,
    );
    expect(refused).to.be.instanceOf(NotAssetOwnerError);
    await cancelOrder(owner, { kind: OrderKind.App, order: unsigned });
    expect(await getOrderStatus(client, { kind: OrderKind.App, order: unsigned })).to.include({
      closed: true,
      remaining: 0n,
      open: false,
    });
  });

  it("reports a request filled whole by its first deal as consumed and closed", async () => {
    const { f, assets, client } = await setUp();
    await fund(f, f.actors.requester, 1_000n * ONE);
    await fund(f, f.actors.poolOwner, 1_000n * ONE);
    const set = await signOrders(f, await buildOrders(f, assets, { volume: 2n }));
    await match(f, set);
    const status = await getOrderStatus(client, {
      kind: OrderKind.Request,
      order: set.requestOrder,
    });
    expect(status).to.include({ consumed: 2n, remaining: 0n, closed: true, open: false });
  });

  it("reports expiry against the chain clock", async () => {
    const { client, owner, unsigned } = await setUp();
    const { order } = await signOrder(owner, {
      kind: OrderKind.App,
      order: { ...unsigned, expiry: 1n },
    });
    expect(await getOrderStatus(client, { kind: OrderKind.App, order })).to.include({
      expired: true,
      open: false,
    });
  });
});
