import { expect } from "chai";
import { MaxUint256, Wallet, hexlify, randomBytes } from "ethers";
import { OrderKind, orderHash, randomSalt, signCancel, signOrder } from "../../src/core/index.js";
import type {
  AppOrder,
  DatasetOrder,
  RequestOrder,
  WorkerpoolOrder,
} from "../../src/core/index.js";
import { ERC1271Wallet__factory } from "../../types/index.js";
import { ethers, marketFixture, networkHelpers } from "../helpers/fixture.js";
import type { MarketFixture } from "../helpers/fixture.js";
import { buildOrders, match, matchArgs, orderHashes, signOrders } from "../helpers/market.js";

const rnd = () => BigInt(hexlify(randomBytes(32)));
const rndAddress = () => Wallet.createRandom().address;

function randomApp(): AppOrder {
  return {
    app: rndAddress(),
    price: rnd(),
    volume: rnd(),
    tag: randomSalt(),
    datasetRestrict: rndAddress(),
    workerpoolRestrict: rndAddress(),
    requesterRestrict: rndAddress(),
    expiry: rnd(),
    salt: randomSalt(),
    signature: "0x",
  };
}
function randomDataset(): DatasetOrder {
  return {
    dataset: rndAddress(),
    price: rnd(),
    volume: rnd(),
    tag: randomSalt(),
    appRestrict: rndAddress(),
    workerpoolRestrict: rndAddress(),
    requesterRestrict: rndAddress(),
    expiry: rnd(),
    salt: randomSalt(),
    signature: "0x",
  };
}
function randomWorkerpool(): WorkerpoolOrder {
  return {
    workerpool: rndAddress(),
    price: rnd(),
    volume: rnd(),
    tag: randomSalt(),
    category: rnd(),
    trust: rnd(),
    appRestrict: rndAddress(),
    datasetRestrict: rndAddress(),
    requesterRestrict: rndAddress(),
    expiry: rnd(),
    salt: randomSalt(),
    signature: "0x",
  };
}
function randomRequest(params: string): RequestOrder {
  return {
    app: rndAddress(),
    appMaxPrice: rnd(),
    dataset: rndAddress(),
    datasetMaxPrice: rnd(),
    workerpool: rndAddress(),
    workerpoolMaxPrice: rnd(),
    requester: rndAddress(),
    volume: rnd(),
    tag: randomSalt(),
    category: rnd(),
    trust: rnd(),
    beneficiary: rndAddress(),
    callback: rndAddress(),
    params,
    expiry: rnd(),
    salt: randomSalt(),
    signature: "0x",
  };
}

/** A contract wallet (ERC-1271) owned by the app owner's key that owns a registered app. */
async function walletAppFixture() {
  const f = await marketFixture();
  const wallet = await new ERC1271Wallet__factory(f.actors.appOwner).deploy(
    f.actors.appOwner.address,
  );
  const w = await wallet.getAddress();
  const params = {
    name: "wallet-app",
    uri: "ipfs://wallet-app",
    checksum: ethers.id("wallet-bundle"),
    mrenclave: ethers.id("wallet-mrenclave"),
    enclaveConfigHash: ethers.ZeroHash,
  };
  const app = await f.appRegistry.predictApp(w, params);
  await wallet.execute(
    await f.appRegistry.getAddress(),
    f.appRegistry.interface.encodeFunctionData("createApp", [params]),
  );
  return { ...f, wallet, walletApp: app };
}

describe("Polis (orders)", () => {
  describe("hashAppOrder / hashDatasetOrder / hashWorkerpoolOrder / hashRequestOrder", () => {
    it("equal the src/core EIP-712 digests for every kind", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      for (let i = 0; i < 4; i++) {
        const app = randomApp();
        const dataset = randomDataset();
        const pool = randomWorkerpool();
        const params = ["", '{"args":"--x 1"}', "ünïcödé ✓ 数据", "x".repeat(1000)][i];
        const request = randomRequest(params);
        expect(await f.hub.hashAppOrder(app)).to.equal(orderHash(f.hubDomain, OrderKind.App, app));
        expect(await f.hub.hashDatasetOrder(dataset)).to.equal(
          orderHash(f.hubDomain, OrderKind.Dataset, dataset),
        );
        expect(await f.hub.hashWorkerpoolOrder(pool)).to.equal(
          orderHash(f.hubDomain, OrderKind.Workerpool, pool),
        );
        expect(await f.hub.hashRequestOrder(request)).to.equal(
          orderHash(f.hubDomain, OrderKind.Request, request),
        );
      }
    });

    it("ignore the signature field", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const app = randomApp();
      expect(await f.hub.hashAppOrder({ ...app, signature: "0x1234" })).to.equal(
        await f.hub.hashAppOrder(app),
      );
    });

    it("change with every signed field", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const base = randomRequest("p");
      const seen = new Set([await f.hub.hashRequestOrder(base)]);
      const fields = Object.keys(base).filter((k) => k !== "signature") as (keyof RequestOrder)[];
      for (const k of fields) {
        const v = base[k];
        const changed =
          typeof v === "bigint"
            ? v ^ 1n
            : k === "params"
              ? "q"
              : k.endsWith("salt") || k === "tag"
                ? randomSalt()
                : rndAddress();
        seen.add(await f.hub.hashRequestOrder({ ...base, [k]: changed }));
      }
      expect(seen.size).to.equal(fields.length + 1);
    });
  });

  describe("presign", () => {
    it("lets an EOA owner presign its order instead of signing it", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const set = await signOrders(f, await buildOrders(f, f.assets));
      const hashes = orderHashes(f, set);
      await expect(f.hub.connect(f.actors.appOwner).presign(hashes.app))
        .to.emit(f.hub, "OrderPresigned")
        .withArgs(hashes.app, f.actors.appOwner.address);
      expect(await f.hub.presigned(hashes.app)).to.equal(f.actors.appOwner.address);
      expect(await f.hub.isPresigned(hashes.app, f.actors.appOwner.address)).to.equal(true);
      const { deal } = await match(f, { ...set, appOrder: { ...set.appOrder, signature: "0x" } });
      expect(deal.app).to.equal(f.assets.app);
      expect(await f.hub.consumed(hashes.app)).to.equal(1n);
    });

    it("lets a contract wallet that owns an asset presign its order", async () => {
      const f = await networkHelpers.loadFixture(walletAppFixture);
      const set = await buildOrders(f, { ...f.assets, app: f.walletApp });
      const appHash = orderHash(f.hubDomain, OrderKind.App, set.appOrder);
      await f.wallet.execute(
        await f.hub.getAddress(),
        f.hub.interface.encodeFunctionData("presign", [appHash]),
      );
      const signed = await signOrders(f, set);
      const { deal } = await match(f, { ...signed, appOrder: set.appOrder });
      expect(deal.appOwner).to.equal(await f.wallet.getAddress());
    });

    it("does not count a presign by someone who is not the owner", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const set = await signOrders(f, await buildOrders(f, f.assets));
      const appHash = orderHashes(f, set).app;
      await f.hub.connect(f.actors.stranger).presign(appHash);
      const unsigned = { ...set, appOrder: { ...set.appOrder, signature: "0x" } };
      await expect(f.hub.connect(f.actors.requester).matchOrders(...matchArgs(unsigned)))
        .to.be.revertedWithCustomError(f.hub, "OrderSignatureInvalid")
        .withArgs(OrderKind.App, appHash, f.actors.appOwner.address);
    });

    it("keeps the owner's presign when a stranger presigns the same hash afterwards", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const set = await signOrders(f, await buildOrders(f, f.assets));
      const appHash = orderHashes(f, set).app;
      await f.hub.connect(f.actors.appOwner).presign(appHash);
      await f.hub.connect(f.actors.stranger).presign(appHash);
      expect(await f.hub.isPresigned(appHash, f.actors.appOwner.address)).to.equal(true);
      expect(await f.hub.isPresigned(appHash, f.actors.stranger.address)).to.equal(true);
      const { deal } = await match(f, { ...set, appOrder: { ...set.appOrder, signature: "0x" } });
      expect(deal.appOwner).to.equal(f.actors.appOwner.address);
    });
  });

  describe("cancelAppOrder / cancelDatasetOrder / cancelWorkerpoolOrder / cancelRequestOrder", () => {
    const kinds = [
      [OrderKind.App, "cancelAppOrder", "appOrder", "app", "appOwner"],
      [OrderKind.Dataset, "cancelDatasetOrder", "datasetOrder", "dataset", "datasetOwner"],
      [OrderKind.Workerpool, "cancelWorkerpoolOrder", "workerpoolOrder", "workerpool", "poolOwner"],
      [OrderKind.Request, "cancelRequestOrder", "requestOrder", "request", "requester"],
    ] as const;

    async function cancelFixture() {
      const f = await marketFixture();
      const set = await signOrders(f, await buildOrders(f, f.assets, { volume: 5n }));
      return { ...f, set, hashes: orderHashes(f, set) };
    }

    const cancel = (f: MarketFixture, fn: string, order: unknown, sig: string) =>
      (f.hub as unknown as Record<string, (o: unknown, s: string) => Promise<unknown>>)[fn](
        order,
        sig,
      );

    for (const [kind, fn, field, hashKey, ownerKey] of kinds) {
      it(`${fn}: the owner closes the order for good`, async () => {
        const f = await networkHelpers.loadFixture(cancelFixture);
        const owner = f.actors[ownerKey];
        const h = f.hashes[hashKey];
        await expect(cancel({ ...f, hub: f.hub.connect(owner) }, fn, f.set[field], "0x"))
          .to.emit(f.hub, "OrderCancelled")
          .withArgs(h, kind, owner.address);
        expect(await f.hub.consumed(h)).to.equal(5n);
        await expect(
          f.hub.connect(f.actors.requester).matchOrders(...matchArgs(f.set)),
        ).to.be.revertedWithCustomError(f.hub, "MatchVolumeZero");
      });

      it(`${fn}: anyone relays the owner's signed cancel`, async () => {
        const f = await networkHelpers.loadFixture(cancelFixture);
        const owner = f.actors[ownerKey];
        const h = f.hashes[hashKey];
        const sig = await signCancel(owner, f.hubDomain, h);
        await expect(cancel({ ...f, hub: f.hub.connect(f.actors.stranger) }, fn, f.set[field], sig))
          .to.emit(f.hub, "OrderCancelled")
          .withArgs(h, kind, owner.address);
        expect(await f.hub.consumed(h)).to.equal(5n);
      });

      it(`${fn}: reverts with OrderNotOwner for a stranger without the owner's signature`, async () => {
        const f = await networkHelpers.loadFixture(cancelFixture);
        const h = f.hashes[hashKey];
        const { stranger } = f.actors;
        const strangerSig = await signCancel(stranger, f.hubDomain, h);
        for (const sig of ["0x", strangerSig]) {
          await expect(cancel({ ...f, hub: f.hub.connect(stranger) }, fn, f.set[field], sig))
            .to.be.revertedWithCustomError(f.hub, "OrderNotOwner")
            .withArgs(kind, h, stranger.address);
        }
        expect(await f.hub.consumed(h)).to.equal(0n);
      });
    }

    it("reverts with OrderNotOwner for an order of an unregistered asset", async () => {
      const f = await networkHelpers.loadFixture(cancelFixture);
      const order = { ...f.set.appOrder, app: rndAddress() };
      const h = orderHash(f.hubDomain, OrderKind.App, order);
      await expect(f.hub.connect(f.actors.appOwner).cancelAppOrder(order, "0x"))
        .to.be.revertedWithCustomError(f.hub, "OrderNotOwner")
        .withArgs(OrderKind.App, h, f.actors.appOwner.address);
    });

    it("closes the rest of a partially consumed order", async () => {
      const f = await networkHelpers.loadFixture(cancelFixture);
      const small = await signOrders(f, {
        ...f.set,
        workerpoolOrder: { ...f.set.workerpoolOrder, volume: 2n, salt: randomSalt() },
      });
      await match(f, { ...f.set, workerpoolOrder: small.workerpoolOrder });
      expect(await f.hub.consumed(f.hashes.request)).to.equal(2n);
      await f.hub.connect(f.actors.requester).cancelRequestOrder(f.set.requestOrder, "0x");
      expect(await f.hub.consumed(f.hashes.request)).to.equal(5n);
    });

    it("lets an ERC-1271 wallet owner cancel with a signature its wallet validates", async () => {
      const f = await networkHelpers.loadFixture(walletAppFixture);
      const set = await buildOrders(f, { ...f.assets, app: f.walletApp }, { volume: 3n });
      const h = orderHash(f.hubDomain, OrderKind.App, set.appOrder);
      const sig = await signCancel(f.actors.appOwner, f.hubDomain, h);
      await expect(f.hub.connect(f.actors.stranger).cancelAppOrder(set.appOrder, sig))
        .to.emit(f.hub, "OrderCancelled")
        .withArgs(h, OrderKind.App, await f.wallet.getAddress());
      expect(await f.hub.consumed(h)).to.equal(3n);
    });

    it("lets a contract owner cancel by calling directly", async () => {
      const f = await networkHelpers.loadFixture(walletAppFixture);
      const set = await buildOrders(f, { ...f.assets, app: f.walletApp }, { volume: 3n });
      const h = orderHash(f.hubDomain, OrderKind.App, set.appOrder);
      await f.wallet.execute(
        await f.hub.getAddress(),
        f.hub.interface.encodeFunctionData("cancelAppOrder", [set.appOrder, "0x"]),
      );
      expect(await f.hub.consumed(h)).to.equal(3n);
    });

    it("never lowers consumed volume", async () => {
      const f = await networkHelpers.loadFixture(cancelFixture);
      const order = { ...f.set.requestOrder, volume: MaxUint256 };
      const signed = await signOrder(f.actors.requester, f.hubDomain, OrderKind.Request, order);
      const h = orderHash(f.hubDomain, OrderKind.Request, order);
      await f.hub.connect(f.actors.requester).cancelRequestOrder(signed, "0x");
      expect(await f.hub.consumed(h)).to.equal(MaxUint256);
      await f.hub.connect(f.actors.requester).cancelRequestOrder(signed, "0x");
      expect(await f.hub.consumed(h)).to.equal(MaxUint256);
    });
  });
});
