import { expect } from "chai";
import { network } from "hardhat";
import { ZeroAddress } from "ethers";
import { OrderKind, orderHash, randomSalt, signCancel, signOrder } from "../../src/core/index.js";
import { ERC1271Wallet__factory, Polis__factory } from "../../types/index.js";
import {
  ONE,
  ethers,
  fund,
  marketFixture,
  marketOn,
  deployOn,
  networkHelpers,
} from "../helpers/fixture.js";
import type { MarketFixture } from "../helpers/fixture.js";
import { balanceOf, expectConserved } from "../helpers/escrow.js";
import { buildOrders, match, matchArgs, orderHashes, signOrders } from "../helpers/market.js";
import type { OrderSet } from "../helpers/market.js";
import { expectMatchRefused } from "../helpers/matching.js";
import { toCompact, toHighS, withExtraByte } from "../helpers/signatures.js";
import { contribute, digestOf } from "../helpers/tasks.js";

const unsigned = (set: OrderSet, field: keyof OrderSet): OrderSet => ({
  ...set,
  [field]: { ...set[field], signature: "0x" },
});

/** The market plus a second hub deployed on the same chain over the same token and registries. */
async function twoHubsFixture() {
  const f = await marketFixture();
  const other = await new Polis__factory(f.actors.governance).deploy(
    f.actors.governance.address,
    await f.token.getAddress(),
    await f.appRegistry.getAddress(),
    await f.datasetRegistry.getAddress(),
    await f.workerpoolRegistry.getAddress(),
  );
  await other.createCategory("XS", "", 300n);
  for (const who of [f.actors.requester, f.actors.poolOwner]) {
    await f.token.faucet(who.address, 100n * ONE);
    await f.token.connect(who).approve(await other.getAddress(), 100n * ONE);
    await other.connect(who).deposit(100n * ONE);
  }
  return { ...f, other };
}

/** The market plus an ERC-1271 wallet, owned by the app owner's key, owning a registered app. */
async function walletFixture() {
  const f = await marketFixture();
  const wallet = await new ERC1271Wallet__factory(f.actors.appOwner).deploy(
    f.actors.appOwner.address,
  );
  const params = {
    name: "wallet-app",
    uri: "ipfs://wallet-app",
    checksum: ethers.id("wallet-bundle"),
    mrenclave: ethers.id("wallet-mrenclave"),
    enclaveConfigHash: ethers.ZeroHash,
  };
  const app = await f.appRegistry.predictApp(await wallet.getAddress(), params);
  await wallet.execute(
    await f.appRegistry.getAddress(),
    f.appRegistry.interface.encodeFunctionData("createApp", [params]),
  );
  const set = await signOrders(f, await buildOrders(f, { ...f.assets, app }));
  return { ...f, wallet, app, set };
}

describe("Attacks", () => {
  describe("signature replay", () => {
    it("refuses orders signed for this hub on another chain id with the same addresses", async () => {
      // Two fresh chains, same deployer and nonces: identical addresses, different chain ids.
      const here = await network.create();
      const other = await network.create({ override: { chainId: 1337 } });
      const f = await marketOn(await deployOn(here.ethers as unknown as typeof ethers));
      const g = await marketOn(await deployOn(other.ethers as unknown as typeof ethers));
      expect(g.chainId).to.equal(1337n);
      expect(await g.hub.getAddress()).to.equal(await f.hub.getAddress());
      expect(g.assets).to.deep.equal(f.assets);
      const signedHere = await signOrders(f, await buildOrders(f, f.assets));
      const h = orderHashes(g, signedHere);
      expect(h.app).to.not.equal(orderHashes(f, signedHere).app);
      await expect(g.hub.connect(g.actors.requester).matchOrders(...matchArgs(signedHere)))
        .to.be.revertedWithCustomError(g.hub, "OrderSignatureInvalid")
        .withArgs(OrderKind.App, h.app, g.actors.appOwner.address);
      // The same orders signed for the other chain match there.
      await match(g, await signOrders(g, signedHere));
      await other.close();
      await here.close();
    });

    it("refuses orders signed for another deployment on the same chain", async () => {
      const f = await networkHelpers.loadFixture(twoHubsFixture);
      const set = await signOrders(f, await buildOrders(f, f.assets));
      const appHash = await f.other.hashAppOrder(set.appOrder);
      await expect(f.other.connect(f.actors.requester).matchOrders(...matchArgs(set)))
        .to.be.revertedWithCustomError(f.other, "OrderSignatureInvalid")
        .withArgs(OrderKind.App, appHash, f.actors.appOwner.address);
      const estimate = await f.other.estimateMatch(...matchArgs(set), f.actors.requester.address);
      expect(estimate.failure).to.equal(
        f.other.interface.encodeErrorResult("OrderSignatureInvalid", [
          OrderKind.App,
          appHash,
          f.actors.appOwner.address,
        ]),
      );
      expect(await f.other.accountOf(f.actors.requester.address)).to.deep.equal([100n * ONE, 0n]);
    });

    it("refuses a presign made on another deployment", async () => {
      const f = await networkHelpers.loadFixture(twoHubsFixture);
      const set = await signOrders(f, await buildOrders(f, f.assets));
      await f.hub.connect(f.actors.appOwner).presign(orderHashes(f, set).app);
      const onOther = { ...set, appOrder: { ...set.appOrder, signature: "0x" } };
      const resigned = await signOrders(
        { ...f, hubDomain: { ...f.hubDomain, verifyingContract: await f.other.getAddress() } },
        set,
      );
      await expect(
        f.other
          .connect(f.actors.requester)
          .matchOrders(
            onOther.appOrder,
            resigned.datasetOrder,
            resigned.workerpoolOrder,
            resigned.requestOrder,
          ),
      )
        .to.be.revertedWithCustomError(f.other, "OrderSignatureInvalid")
        .withArgs(
          OrderKind.App,
          await f.other.hashAppOrder(set.appOrder),
          f.actors.appOwner.address,
        );
    });

    it("refuses a cancel signature made for another deployment", async () => {
      const f = await networkHelpers.loadFixture(twoHubsFixture);
      const set = await buildOrders(f, f.assets);
      const hereHash = orderHash(f.hubDomain, OrderKind.App, set.appOrder);
      const sig = await signCancel(f.actors.appOwner, f.hubDomain, hereHash);
      const thereHash = await f.other.hashAppOrder(set.appOrder);
      await expect(f.other.connect(f.actors.stranger).cancelAppOrder(set.appOrder, sig))
        .to.be.revertedWithCustomError(f.other, "OrderNotOwner")
        .withArgs(OrderKind.App, thereHash, f.actors.stranger.address);
      expect(await f.other.consumed(thereHash)).to.equal(0n);
      // The signature still cancels the order where it was made.
      await f.hub.connect(f.actors.stranger).cancelAppOrder(set.appOrder, sig);
      expect(await f.hub.consumed(hereHash)).to.equal(1n);
    });

    it("refuses a cancel signature over another order", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const set = await buildOrders(f, f.assets);
      const otherOrder = { ...set.appOrder, salt: randomSalt() };
      const sig = await signCancel(
        f.actors.appOwner,
        f.hubDomain,
        orderHash(f.hubDomain, OrderKind.App, otherOrder),
      );
      const h = orderHash(f.hubDomain, OrderKind.App, set.appOrder);
      await expect(f.hub.connect(f.actors.stranger).cancelAppOrder(set.appOrder, sig))
        .to.be.revertedWithCustomError(f.hub, "OrderNotOwner")
        .withArgs(OrderKind.App, h, f.actors.stranger.address);
    });
  });

  describe("malformed signatures", () => {
    it("refuses the malleable high-s twin of a valid signature", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const set = await signOrders(f, await buildOrders(f, f.assets));
      for (const field of [
        "appOrder",
        "datasetOrder",
        "workerpoolOrder",
        "requestOrder",
      ] as const) {
        const twin = {
          ...set,
          [field]: { ...set[field], signature: toHighS(set[field].signature) },
        };
        await expectMatchRefused(f, twin, "SignatureMalleable", []);
      }
      // And a high-s cancel signature cancels nothing.
      const h = orderHashes(f, set).app;
      const sig = toHighS(await signCancel(f.actors.appOwner, f.hubDomain, h));
      await expect(f.hub.connect(f.actors.stranger).cancelAppOrder(set.appOrder, sig))
        .to.be.revertedWithCustomError(f.hub, "OrderNotOwner")
        .withArgs(OrderKind.App, h, f.actors.stranger.address);
    });

    it("refuses 64-byte (EIP-2098 compact) and 66-byte signatures", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const set = await signOrders(f, await buildOrders(f, f.assets));
      const compact = {
        ...set,
        requestOrder: { ...set.requestOrder, signature: toCompact(set.requestOrder.signature) },
      };
      await expectMatchRefused(f, compact, "SignatureLengthInvalid", [64n]);
      const long = {
        ...set,
        appOrder: { ...set.appOrder, signature: withExtraByte(set.appOrder.signature) },
      };
      await expectMatchRefused(f, long, "SignatureLengthInvalid", [66n]);
    });

    it("refuses a request whose requester is the zero address, signed or not", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const set = await buildOrders(f, f.assets);
      const zero = { ...set, requestOrder: { ...set.requestOrder, requester: ZeroAddress } };
      const signed = await signOrders(f, zero);
      const h = orderHashes(f, signed).request;
      await expectMatchRefused(
        f,
        signed,
        "OrderSignatureInvalid",
        [OrderKind.Request, h, ZeroAddress],
        {
          sponsored: true,
        },
      );
      await expectMatchRefused(
        f,
        unsigned(signed, "requestOrder"),
        "OrderSignatureInvalid",
        [OrderKind.Request, h, ZeroAddress],
        { sponsored: true },
      );
      // A garbage signature that ecrecover maps to address(0) is refused too.
      const garbage = "0x" + "00".repeat(64) + "1b";
      await expectMatchRefused(
        f,
        { ...signed, requestOrder: { ...signed.requestOrder, signature: garbage } },
        "OrderSignatureInvalid",
        [OrderKind.Request, h, ZeroAddress],
        { sponsored: true },
      );
    });
  });

  describe("ERC-1271 signers", () => {
    it("accepts a contract owner's order validated by its wallet", async () => {
      const f = await networkHelpers.loadFixture(walletFixture);
      const { deal } = await match(f, f.set);
      expect(deal.appOwner).to.equal(await f.wallet.getAddress());
    });

    for (const [mode, label] of [
      [1, "returns a wrong magic value"],
      [2, "reverts"],
    ] as const) {
      it(`refuses an order whose ERC-1271 wallet ${label}`, async () => {
        const f = await networkHelpers.loadFixture(walletFixture);
        await f.wallet.setMode(mode);
        await expectMatchRefused(f, f.set, "OrderSignatureInvalid", [
          OrderKind.App,
          orderHashes(f, f.set).app,
          await f.wallet.getAddress(),
        ]);
      });
    }

    it("refuses an order whose ERC-1271 wallet burns all the gas it gets", async () => {
      const f = await networkHelpers.loadFixture(walletFixture);
      await f.wallet.setMode(3);
      const h = orderHashes(f, f.set).app;
      await expect(
        f.hub
          .connect(f.actors.requester)
          .matchOrders(...matchArgs(f.set), { gasLimit: 2_000_000n }),
      )
        .to.be.revertedWithCustomError(f.hub, "OrderSignatureInvalid")
        .withArgs(OrderKind.App, h, await f.wallet.getAddress());
      expect(await f.hub.consumed(h)).to.equal(0n);
      expect((await balanceOf(f, f.actors.requester.address)).locked).to.equal(0n);
    });

    it("refuses a wallet owner's cancel signature once the wallet rejects it", async () => {
      const f = await networkHelpers.loadFixture(walletFixture);
      await f.wallet.setMode(2);
      const h = orderHashes(f, f.set).app;
      const sig = await signCancel(f.actors.appOwner, f.hubDomain, h);
      await expect(f.hub.connect(f.actors.stranger).cancelAppOrder(f.set.appOrder, sig))
        .to.be.revertedWithCustomError(f.hub, "OrderNotOwner")
        .withArgs(OrderKind.App, h, f.actors.stranger.address);
    });
  });

  describe("volume", () => {
    it("never over-fills an order across several matches", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const base = await buildOrders(f, f.assets, { volume: 10n });
      const app = await signOrder(f.actors.appOwner, f.hubDomain, OrderKind.App, {
        ...base.appOrder,
        volume: 3n,
      });
      const sizes: bigint[] = [];
      for (let i = 0; i < 3; i++) {
        const set = await signOrders(f, {
          ...base,
          requestOrder: { ...base.requestOrder, volume: 2n, salt: randomSalt() },
        });
        if (i < 2) {
          const { deal } = await match(f, { ...set, appOrder: app });
          sizes.push(deal.botSize);
        } else {
          await expectMatchRefused(f, { ...set, appOrder: app }, "MatchVolumeZero", []);
        }
      }
      expect(sizes).to.deep.equal([2n, 1n]);
      expect(await f.hub.consumed(orderHash(f.hubDomain, OrderKind.App, app))).to.equal(3n);
      await expectConserved(f);
    });

    it("refuses a cancelled order, cancelled by its owner", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const set = await signOrders(f, await buildOrders(f, f.assets, { volume: 3n }));
      await f.hub.connect(f.actors.poolOwner).cancelWorkerpoolOrder(set.workerpoolOrder, "0x");
      await expectMatchRefused(f, set, "MatchVolumeZero", []);
    });

    it("refuses a cancelled order, cancelled by a relayed owner signature", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const set = await signOrders(f, await buildOrders(f, f.assets, { volume: 3n }));
      await match(f, {
        ...set,
        requestOrder: (
          await signOrders(f, { ...set, requestOrder: { ...set.requestOrder, volume: 1n } })
        ).requestOrder,
      });
      const h = orderHashes(f, set).dataset;
      const sig = await signCancel(f.actors.datasetOwner, f.hubDomain, h);
      await f.hub.connect(f.actors.stranger).cancelDatasetOrder(set.datasetOrder, sig);
      expect(await f.hub.consumed(h)).to.equal(3n);
      await expectMatchRefused(f, set, "MatchVolumeZero", []);
    });
  });

  describe("funds", () => {
    it("refuses a match the requester cannot pay for, changing nothing", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      await f.hub.connect(f.actors.requester).withdraw(1_000n * ONE - 9n * ONE);
      const set = await signOrders(f, await buildOrders(f, f.assets));
      await expectMatchRefused(f, set, "EscrowInsufficientBalance", [
        f.actors.requester.address,
        9n * ONE,
        10n * ONE,
      ]);
    });

    it("refuses a worker withdrawing the stake locked by its contribution", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const { dealId, deal } = await match(
        f,
        await signOrders(f, await buildOrders(f, f.assets, { trust: 3n, tee: false })),
      );
      const { worker1 } = f.actors;
      await contribute(f, dealId, deal, 0n, worker1, digestOf("r"));
      const { stake, locked } = await balanceOf(f, worker1.address);
      expect(locked).to.equal(deal.workerStake);
      await expect(f.hub.connect(worker1).withdraw(stake + locked))
        .to.be.revertedWithCustomError(f.hub, "EscrowInsufficientBalance")
        .withArgs(worker1.address, stake, stake + locked);
      expect(await balanceOf(f, worker1.address)).to.deep.equal({ stake, locked });
    });
  });

  describe("front-running", () => {
    async function rivalPoolFixture() {
      const f = await marketFixture();
      const { stranger } = f.actors;
      const params = {
        description: "rival",
        resourceClass: 0,
        location: "",
        workerStakeRatio: 0,
        schedulerRewardRatio: 100,
        scheduler: ZeroAddress,
      };
      const rival = await f.workerpoolRegistry.predictWorkerpool(stranger.address, params);
      await f.workerpoolRegistry.connect(stranger).createWorkerpool(params);
      await fund(f, stranger, 100n * ONE);
      return { ...f, rival };
    }

    async function rivalSet(f: MarketFixture & { rival: string }, victim: OrderSet) {
      const pool = await signOrder(f.actors.stranger, f.hubDomain, OrderKind.Workerpool, {
        ...victim.workerpoolOrder,
        workerpool: f.rival,
        salt: randomSalt(),
      });
      return { ...victim, workerpoolOrder: pool };
    }

    it("cannot hijack a request restricted to the requester's pool", async () => {
      const f = await networkHelpers.loadFixture(rivalPoolFixture);
      const set = await buildOrders(f, f.assets);
      set.requestOrder.workerpool = f.assets.workerpool;
      const victim = await signOrders(f, set);
      await expectMatchRefused(
        f,
        await rivalSet(f, victim),
        "MatchRestricted",
        [0, f.assets.workerpool, f.rival],
        {
          sender: f.actors.stranger,
        },
      );
      const { deal } = await match(f, victim);
      expect(deal.workerpool).to.equal(f.assets.workerpool);
    });

    it("can take an unrestricted request (why requesters restrict the pool)", async () => {
      const f = await networkHelpers.loadFixture(rivalPoolFixture);
      const victim = await signOrders(f, await buildOrders(f, f.assets));
      const { deal } = await match(f, await rivalSet(f, victim), f.actors.stranger);
      expect(deal.workerpool).to.equal(f.rival);
      await expectMatchRefused(f, victim, "MatchVolumeZero", []);
    });
  });

  describe("asset transfers", () => {
    const cases = [
      ["app", "appOrder", "appRegistry", "appOwner", OrderKind.App],
      ["dataset", "datasetOrder", "datasetRegistry", "datasetOwner", OrderKind.Dataset],
      ["workerpool", "workerpoolOrder", "workerpoolRegistry", "poolOwner", OrderKind.Workerpool],
    ] as const;

    for (const [asset, field, registry, ownerKey, kind] of cases) {
      it(`kills the old owner's signed and presigned ${asset} orders and honours the new owner's`, async () => {
        const f = await networkHelpers.loadFixture(marketFixture);
        const oldOwner = f.actors[ownerKey];
        const newOwner = f.actors.stranger;
        const set = await signOrders(f, await buildOrders(f, f.assets, { volume: 2n }));
        const h = Object.values(orderHashes(f, set))[kind];
        await f.hub.connect(oldOwner).presign(h);
        await f[registry]
          .connect(oldOwner)
          .transferFrom(oldOwner.address, newOwner.address, BigInt(f.assets[asset]));
        if (asset === "workerpool") await fund(f, newOwner, 100n * ONE);
        await expectMatchRefused(f, set, "OrderSignatureInvalid", [kind, h, newOwner.address]);
        await expectMatchRefused(f, unsigned(set, field), "OrderSignatureInvalid", [
          kind,
          h,
          newOwner.address,
        ]);
        // The new owner signs the very same order: it matches and the new owner is paid.
        const resigned = {
          ...set,
          [field]: await signOrder(newOwner, f.hubDomain, kind, set[field] as never),
        };
        const { deal } = await match(f, resigned);
        const ownerField = asset === "workerpool" ? "workerpoolOwner" : `${asset}Owner`;
        expect((deal as unknown as Record<string, string>)[ownerField]).to.equal(newOwner.address);
      });
    }

    it("lets the new owner presign instead", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const { appOwner, stranger } = f.actors;
      const set = await signOrders(f, await buildOrders(f, f.assets));
      await f.appRegistry
        .connect(appOwner)
        .transferFrom(appOwner.address, stranger.address, BigInt(f.assets.app));
      await f.hub.connect(stranger).presign(orderHashes(f, set).app);
      const { deal } = await match(f, unsigned(set, "appOrder"));
      expect(deal.appOwner).to.equal(stranger.address);
    });
  });
});
