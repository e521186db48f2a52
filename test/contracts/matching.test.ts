import { expect } from "chai";
import { MaxUint256, Wallet, ZeroAddress, ZeroHash, keccak256, toUtf8Bytes } from "ethers";
import {
  NO_TAG,
  OrderKind,
  TEE_TAG,
  dealHash,
  dealId as computeDealId,
  encodeTag,
  randomSalt,
} from "../../src/core/index.js";
import { ONE, ethers, fund, marketFixture, networkHelpers } from "../helpers/fixture.js";
import type { MarketFixture } from "../helpers/fixture.js";
import { balanceOf, expectConserved } from "../helpers/escrow.js";
import {
  MRENCLAVE,
  buildOrders,
  match,
  matchArgs,
  orderHashes,
  signOrders,
  withoutDataset,
} from "../helpers/market.js";
import type { OrderSet, OrderSigners } from "../helpers/market.js";
import { expectMatchRefused } from "../helpers/matching.js";

const X = Wallet.createRandom().address;

interface MatchingFixture extends MarketFixture {
  /** A registered app without a measurement. */
  plainApp: string;
  now: bigint;
}

async function matchingFixture(): Promise<MatchingFixture> {
  const f = await marketFixture();
  const params = {
    name: "plain-app",
    uri: "ipfs://plain",
    checksum: keccak256(toUtf8Bytes("plain")),
    mrenclave: ZeroHash,
    enclaveConfigHash: ZeroHash,
  };
  const plainApp = await f.appRegistry.predictApp(f.actors.appOwner.address, params);
  await f.appRegistry.connect(f.actors.appOwner).createApp(params);
  await fund(f, f.actors.stranger, 1_000n * ONE);
  const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  return { ...f, plainApp, now };
}

/** A deep copy of an unsigned set (orders are flat objects). */
function clone(set: OrderSet): OrderSet {
  return {
    appOrder: { ...set.appOrder },
    datasetOrder: { ...set.datasetOrder },
    workerpoolOrder: { ...set.workerpoolOrder },
    requestOrder: { ...set.requestOrder },
  };
}

interface Rule {
  name: string;
  error: string;
  /** Breaks the rule (applied to a set in which later rules are already broken). */
  breakIt: (s: OrderSet, f: MatchingFixture, signers: OrderSigners) => void;
  /** The error the hub must report when this is the first broken rule. */
  expected: (s: OrderSet, f: MatchingFixture) => [string, unknown[]];
}

const R = OrderKind;
const restricted = (
  name: string,
  which: number,
  set: (s: OrderSet) => void,
  actual: (s: OrderSet) => string,
): Rule => ({
  name,
  error: "MatchRestricted",
  breakIt: (s) => set(s),
  expected: (s) => ["MatchRestricted", [which, X, actual(s)]],
});

/** Every matching rule, in the order the hub checks them. */
const RULES: Rule[] = [
  ...(
    [
      ["app", R.App, "appOrder"],
      ["dataset", R.Dataset, "datasetOrder"],
      ["workerpool", R.Workerpool, "workerpoolOrder"],
      ["request", R.Request, "requestOrder"],
    ] as const
  ).map(([label, kind, field]): Rule => ({
    name: `the ${label} order has expired`,
    error: "OrderExpired",
    breakIt: (s, f) => {
      s[field].expiry = f.now - 1n;
    },
    expected: (s, f) => [
      "OrderExpired",
      [kind, Object.values(orderHashes(f, s))[kind], f.now - 1n],
    ],
  })),
  {
    name: "the request names another app",
    error: "MatchAppMismatch",
    breakIt: (s) => {
      s.requestOrder.app = X;
    },
    expected: (s) => ["MatchAppMismatch", [X, s.appOrder.app]],
  },
  {
    name: "the request names another dataset",
    error: "MatchDatasetMismatch",
    breakIt: (s) => {
      s.requestOrder.dataset = X;
    },
    expected: (s) => ["MatchDatasetMismatch", [X, s.datasetOrder.dataset]],
  },
  {
    name: "the categories differ",
    error: "MatchCategoryMismatch",
    breakIt: (s) => {
      s.workerpoolOrder.category = 3n;
    },
    expected: (s) => ["MatchCategoryMismatch", [s.requestOrder.category, 3n]],
  },
  {
    name: "the category does not exist",
    error: "MatchCategoryUnknown",
    breakIt: (s) => {
      s.requestOrder.category = 99n;
      s.workerpoolOrder.category = 99n;
    },
    expected: () => ["MatchCategoryUnknown", [99n]],
  },
  {
    name: "the request asks more trust than the pool offers",
    error: "MatchTrustTooHigh",
    breakIt: (s) => {
      s.requestOrder.trust = 5n;
      s.workerpoolOrder.trust = 4n;
    },
    expected: () => ["MatchTrustTooHigh", [5n, 4n]],
  },
  ...(
    [
      ["app", R.App, "appOrder", "appMaxPrice"],
      ["dataset", R.Dataset, "datasetOrder", "datasetMaxPrice"],
      ["workerpool", R.Workerpool, "workerpoolOrder", "workerpoolMaxPrice"],
    ] as const
  ).map(([label, kind, field, max]): Rule => ({
    name: `the ${label} ask exceeds the request's max price`,
    error: "MatchPriceTooHigh",
    breakIt: (s) => {
      s.requestOrder[max] = s[field].price - 1n;
    },
    expected: (s) => ["MatchPriceTooHigh", [kind, s[field].price, s[field].price - 1n]],
  })),
  {
    name: "the pool lacks a required tag bit",
    error: "MatchTagUnsupported",
    breakIt: (s) => {
      s.requestOrder.tag = encodeTag(["tee", "gpu"]);
    },
    expected: (s) => [
      "MatchTagUnsupported",
      [
        ethers.toBeHex(
          BigInt(s.appOrder.tag) | BigInt(s.datasetOrder.tag) | BigInt(s.requestOrder.tag),
          32,
        ),
        s.workerpoolOrder.tag,
      ],
    ],
  },
  {
    name: "a TEE deal names an app order not tagged TEE",
    error: "MatchTeeAppRequired",
    breakIt: (s) => {
      s.appOrder.tag = NO_TAG;
    },
    expected: (s) => ["MatchTeeAppRequired", [s.appOrder.app]],
  },
  restricted(
    "the request restricts the workerpool",
    0,
    (s) => (s.requestOrder.workerpool = X),
    (s) => s.workerpoolOrder.workerpool,
  ),
  restricted(
    "the app order restricts the dataset",
    1,
    (s) => (s.appOrder.datasetRestrict = X),
    (s) => s.datasetOrder.dataset,
  ),
  restricted(
    "the app order restricts the workerpool",
    2,
    (s) => (s.appOrder.workerpoolRestrict = X),
    (s) => s.workerpoolOrder.workerpool,
  ),
  restricted(
    "the app order restricts the requester",
    3,
    (s) => (s.appOrder.requesterRestrict = X),
    (s) => s.requestOrder.requester,
  ),
  restricted(
    "the dataset order restricts the app",
    4,
    (s) => (s.datasetOrder.appRestrict = X),
    (s) => s.appOrder.app,
  ),
  restricted(
    "the dataset order restricts the workerpool",
    5,
    (s) => (s.datasetOrder.workerpoolRestrict = X),
    (s) => s.workerpoolOrder.workerpool,
  ),
  restricted(
    "the dataset order restricts the requester",
    6,
    (s) => (s.datasetOrder.requesterRestrict = X),
    (s) => s.requestOrder.requester,
  ),
  restricted(
    "the workerpool order restricts the app",
    7,
    (s) => (s.workerpoolOrder.appRestrict = X),
    (s) => s.appOrder.app,
  ),
  restricted(
    "the workerpool order restricts the dataset",
    8,
    (s) => (s.workerpoolOrder.datasetRestrict = X),
    (s) => s.datasetOrder.dataset,
  ),
  restricted(
    "the workerpool order restricts the requester",
    9,
    (s) => (s.workerpoolOrder.requesterRestrict = X),
    (s) => s.requestOrder.requester,
  ),
  {
    name: "the app is not registered",
    error: "MatchAssetUnknown",
    breakIt: (s) => {
      s.appOrder.app = s.requestOrder.app = Wallet.createRandom().address;
    },
    expected: (s) => ["MatchAssetUnknown", [R.App, s.appOrder.app]],
  },
  {
    name: "a TEE app order names an app without a measurement",
    error: "MatchTeeAppRequired",
    breakIt: (s, f) => {
      s.appOrder.app = s.requestOrder.app = f.plainApp;
    },
    expected: (s) => ["MatchTeeAppRequired", [s.appOrder.app]],
  },
  {
    name: "the dataset is not registered",
    error: "MatchAssetUnknown",
    breakIt: (s) => {
      s.datasetOrder.dataset = s.requestOrder.dataset = Wallet.createRandom().address;
    },
    expected: (s) => ["MatchAssetUnknown", [R.Dataset, s.datasetOrder.dataset]],
  },
  {
    name: "the workerpool is not registered",
    error: "MatchAssetUnknown",
    breakIt: (s) => {
      s.workerpoolOrder.workerpool = Wallet.createRandom().address;
    },
    expected: (s) => ["MatchAssetUnknown", [R.Workerpool, s.workerpoolOrder.workerpool]],
  },
  ...(
    [
      ["app", R.App, "appOwner"],
      ["dataset", R.Dataset, "datasetOwner"],
      ["workerpool", R.Workerpool, "poolOwner"],
      ["request", R.Request, "requester"],
    ] as const
  ).map(([label, kind, owner]): Rule => ({
    name: `the ${label} order is not signed by its owner`,
    error: "OrderSignatureInvalid",
    breakIt: (_s, f, signers) => {
      signers[label === "request" ? "requester" : label] = f.actors.worker3;
    },
    expected: (s, f) => [
      "OrderSignatureInvalid",
      [kind, Object.values(orderHashes(f, s))[kind], f.actors[owner].address],
    ],
  })),
  {
    name: "no volume is left",
    error: "MatchVolumeZero",
    breakIt: (s) => {
      s.requestOrder.volume = 0n;
    },
    expected: () => ["MatchVolumeZero", []],
  },
];

describe("Polis (matching)", () => {
  describe("matchOrders", () => {
    describe("checks every rule in order", () => {
      for (const [i, rule] of RULES.entries()) {
        const later = i < RULES.length - 1 ? " (every later rule broken too)" : "";
        it(`reverts with ${rule.error} when ${rule.name}${later}`, async () => {
          const f = await networkHelpers.loadFixture(matchingFixture);
          const set = clone(await buildOrders(f, f.assets, { now: f.now }));
          const signers: OrderSigners = {};
          for (let j = RULES.length - 1; j >= i; j--) RULES[j].breakIt(set, f, signers);
          const signed = await signOrders(f, set, undefined, signers);
          const [error, args] = rule.expected(signed, f);
          expect(error).to.equal(rule.error);
          await expectMatchRefused(f, signed, error, args);
        });
      }
    });

    it("accepts orders at their exact expiry second", async () => {
      const f = await networkHelpers.loadFixture(matchingFixture);
      const set = await signOrders(
        f,
        await buildOrders(f, f.assets, { now: f.now, expiresIn: 100n }),
      );
      await networkHelpers.time.setNextBlockTimestamp(set.appOrder.expiry);
      const { deal } = await match(f, set);
      expect(deal.startTime).to.equal(set.appOrder.expiry);
    });

    it("reverts with OrderExpired one second after the expiry", async () => {
      const f = await networkHelpers.loadFixture(matchingFixture);
      const set = await signOrders(
        f,
        await buildOrders(f, f.assets, { now: f.now, expiresIn: 100n }),
      );
      await networkHelpers.time.setNextBlockTimestamp(set.appOrder.expiry + 1n);
      await expect(f.hub.connect(f.actors.requester).matchOrders(...matchArgs(set)))
        .to.be.revertedWithCustomError(f.hub, "OrderExpired")
        .withArgs(OrderKind.App, orderHashes(f, set).app, set.appOrder.expiry);
    });

    it("accepts every restriction set to the exact counterparty", async () => {
      const f = await networkHelpers.loadFixture(matchingFixture);
      const set = clone(await buildOrders(f, f.assets));
      const { app, dataset, workerpool } = f.assets;
      const requester = f.actors.requester.address;
      Object.assign(set.appOrder, {
        datasetRestrict: dataset,
        workerpoolRestrict: workerpool,
        requesterRestrict: requester,
      });
      Object.assign(set.datasetOrder, {
        appRestrict: app,
        workerpoolRestrict: workerpool,
        requesterRestrict: requester,
      });
      Object.assign(set.workerpoolOrder, {
        appRestrict: app,
        datasetRestrict: dataset,
        requesterRestrict: requester,
      });
      set.requestOrder.workerpool = workerpool;
      const { deal } = await match(f, await signOrders(f, set));
      expect(deal.workerpool).to.equal(workerpool);
    });

    it("refuses an app order restricted to a dataset in a dataset-less deal", async () => {
      const f = await networkHelpers.loadFixture(matchingFixture);
      const set = withoutDataset(clone(await buildOrders(f, f.assets)));
      set.appOrder.datasetRestrict = f.assets.dataset;
      await expectMatchRefused(f, await signOrders(f, set), "MatchRestricted", [
        1,
        f.assets.dataset,
        ZeroAddress,
      ]);
    });

    it("refuses a workerpool order restricted to a dataset in a dataset-less deal", async () => {
      const f = await networkHelpers.loadFixture(matchingFixture);
      const set = withoutDataset(clone(await buildOrders(f, f.assets)));
      set.workerpoolOrder.datasetRestrict = f.assets.dataset;
      await expectMatchRefused(f, await signOrders(f, set), "MatchRestricted", [
        8,
        f.assets.dataset,
        ZeroAddress,
      ]);
    });

    it("reverts with EscrowInsufficientBalance when the requester cannot pay", async () => {
      const f = await networkHelpers.loadFixture(matchingFixture);
      const set = await signOrders(f, await buildOrders(f, f.assets, { volume: 101n }));
      await expectMatchRefused(f, set, "EscrowInsufficientBalance", [
        f.actors.requester.address,
        1_000n * ONE,
        101n * 10n * ONE,
      ]);
    });

    it("reverts with EscrowInsufficientBalance when the pool owner cannot stake", async () => {
      const f = await networkHelpers.loadFixture(matchingFixture);
      await f.hub.connect(f.actors.poolOwner).withdraw(1_000n * ONE - ONE);
      const set = await signOrders(f, await buildOrders(f, f.assets, { volume: 2n }));
      await expectMatchRefused(f, set, "EscrowInsufficientBalance", [
        f.actors.poolOwner.address,
        ONE,
        2n * ((5n * ONE * 30n) / 100n),
      ]);
    });

    it("creates the deal: consumes every order, locks the asks and the pool stake, emits the full deal", async () => {
      const f = await networkHelpers.loadFixture(matchingFixture);
      const set = await signOrders(f, await buildOrders(f, f.assets, { volume: 3n }));
      const hashes = orderHashes(f, set);
      const expectedId = computeDealId(hashes.request, 0n);
      const tx = f.hub.connect(f.actors.stranger).matchOrders(...matchArgs(set));
      await expect(tx)
        .to.emit(f.hub, "Locked")
        .withArgs(f.actors.requester.address, 3n * 10n * ONE, expectedId);
      await expect(tx)
        .to.emit(f.hub, "Locked")
        .withArgs(f.actors.poolOwner.address, 3n * ((5n * ONE * 30n) / 100n), expectedId);
      const receipt = (await (await tx).wait())!;
      const block = await ethers.provider.getBlock(receipt.blockNumber);
      const { dealId, deal } = await import("../helpers/market.js").then((m) =>
        m.dealFromReceipt(f, receipt),
      );
      expect(dealId).to.equal(expectedId);
      const log = receipt.logs
        .map((l) => f.hub.interface.parseLog(l))
        .find((l) => l?.name === "DealCreated")!;
      expect(log.args.requester).to.equal(f.actors.requester.address);
      expect(log.args.workerpool).to.equal(f.assets.workerpool);
      expect([...log.args.orderHashes]).to.deep.equal([
        hashes.app,
        hashes.dataset,
        hashes.workerpool,
        hashes.request,
      ]);
      expect(log.args.params).to.equal(set.requestOrder.params);
      const { appOwner, datasetOwner, poolOwner, requester } = f.actors;
      expect(deal).to.deep.equal({
        app: f.assets.app,
        appOwner: appOwner.address,
        appPrice: 3n * ONE,
        mrenclave: MRENCLAVE,
        dataset: f.assets.dataset,
        datasetOwner: datasetOwner.address,
        datasetPrice: 2n * ONE,
        workerpool: f.assets.workerpool,
        workerpoolOwner: poolOwner.address,
        scheduler: poolOwner.address,
        workerpoolPrice: 5n * ONE,
        requester: requester.address,
        sponsor: requester.address,
        beneficiary: requester.address,
        callback: ZeroAddress,
        paramsHash: keccak256(toUtf8Bytes(set.requestOrder.params)),
        tag: TEE_TAG,
        category: 0n,
        trust: 1n,
        timeRef: 300n,
        botFirst: 0n,
        botSize: 3n,
        startTime: BigInt(block!.timestamp),
        workerpoolStake: (5n * ONE * 30n) / 100n,
        workerStake: (5n * ONE * 30n) / 100n,
        schedulerRewardRatio: 20n,
        grantKey: ZeroHash,
      });
      expect(await f.hub.dealHash(dealId, 0n)).to.equal(dealHash(deal));
      // The request, filled whole by its first deal, keeps no counter: it reads as closed.
      const { request, ...others } = hashes;
      for (const h of Object.values(others)) expect(await f.hub.consumed(h)).to.equal(3n);
      expect(await f.hub.consumed(request)).to.equal(MaxUint256);
      expect(await balanceOf(f, requester.address)).to.deep.equal({
        stake: 1_000n * ONE - 30n * ONE,
        locked: 30n * ONE,
      });
      expect(await balanceOf(f, poolOwner.address)).to.deep.equal({
        stake: 1_000n * ONE - 4_500_000_000_000_000_000n,
        locked: 4_500_000_000_000_000_000n,
      });
      await expectConserved(f);
    });

    it("charges the asks, not the requester's higher max prices", async () => {
      const f = await networkHelpers.loadFixture(matchingFixture);
      const set = clone(await buildOrders(f, f.assets, { volume: 2n }));
      set.requestOrder.appMaxPrice = 100n * ONE;
      set.requestOrder.datasetMaxPrice = 100n * ONE;
      set.requestOrder.workerpoolMaxPrice = 100n * ONE;
      const { deal } = await match(f, await signOrders(f, set));
      expect([deal.appPrice, deal.datasetPrice, deal.workerpoolPrice]).to.deep.equal([
        3n * ONE,
        2n * ONE,
        5n * ONE,
      ]);
      expect((await balanceOf(f, f.actors.requester.address)).locked).to.equal(20n * ONE);
    });

    it("snapshots the union of the app, dataset and request tags, a delegated scheduler and trust >= 1", async () => {
      const f = await networkHelpers.loadFixture(matchingFixture);
      await f.workerpoolRegistry
        .connect(f.actors.poolOwner)
        .setScheduler(f.assets.workerpool, f.actors.worker3.address);
      const set = clone(await buildOrders(f, f.assets));
      set.workerpoolOrder.tag = encodeTag(["tee", "scone", "gpu"]);
      set.datasetOrder.tag = encodeTag(["scone"]);
      set.requestOrder.trust = 0n;
      set.workerpoolOrder.trust = 0n;
      const { deal } = await match(f, await signOrders(f, set));
      expect(deal.tag).to.equal(encodeTag(["tee", "scone"]));
      expect(deal.scheduler).to.equal(f.actors.worker3.address);
      expect(deal.trust).to.equal(1n);
    });

    it("makes a dataset-less deal with no dataset price, owner or hash", async () => {
      const f = await networkHelpers.loadFixture(matchingFixture);
      const set = await signOrders(f, await buildOrders(f, f.assets, { dataset: false }));
      const { receipt, deal } = await match(f, set);
      const log = receipt.logs
        .map((l) => f.hub.interface.parseLog(l))
        .find((l) => l?.name === "DealCreated")!;
      expect(log.args.orderHashes[1]).to.equal(ZeroHash);
      expect([deal.dataset, deal.datasetOwner, deal.datasetPrice]).to.deep.equal([
        ZeroAddress,
        ZeroAddress,
        0n,
      ]);
      expect((await balanceOf(f, f.actors.requester.address)).locked).to.equal(8n * ONE);
    });

    it("ignores the empty dataset order's price and tag in a dataset-less deal", async () => {
      const f = await networkHelpers.loadFixture(matchingFixture);
      const set = withoutDataset(clone(await buildOrders(f, f.assets, { tee: false })));
      set.datasetOrder.price = 1_000n * ONE;
      set.datasetOrder.tag = encodeTag(["gpu"]);
      const { deal } = await match(f, await signOrders(f, set));
      expect(deal.tag).to.equal(NO_TAG);
      expect(deal.datasetPrice).to.equal(0n);
    });

    it("lets anyone send it while the requester pays", async () => {
      const f = await networkHelpers.loadFixture(matchingFixture);
      const set = await signOrders(f, await buildOrders(f, f.assets));
      const { deal } = await match(f, set, f.actors.worker2);
      expect(deal.sponsor).to.equal(f.actors.requester.address);
      expect((await balanceOf(f, f.actors.worker2.address)).locked).to.equal(0n);
    });

    it("uses volume = min of the remaining volumes and fills a request across several deals", async () => {
      const f = await networkHelpers.loadFixture(matchingFixture);
      const base = clone(await buildOrders(f, f.assets, { volume: 10n }));
      base.requestOrder.volume = 5n;
      const pools = [2n, 2n, 10n].map((volume) => ({
        ...base.workerpoolOrder,
        volume,
        salt: randomSalt(),
      }));
      const signed = await signOrders(f, base);
      const request = orderHashes(f, signed).request;
      const expected = [
        [0n, 2n],
        [2n, 2n],
        [4n, 1n],
      ];
      for (const [i, pool] of pools.entries()) {
        const set = await signOrders(f, { ...base, workerpoolOrder: pool });
        const estimate = await f.hub.estimateMatch(...matchArgs(set), f.actors.requester.address);
        expect(estimate.volume).to.equal(expected[i][1]);
        const { dealId, deal } = await match(f, set);
        expect([deal.botFirst, deal.botSize]).to.deep.equal(expected[i]);
        expect(dealId).to.equal(computeDealId(request, expected[i][0]));
      }
      expect(await f.hub.consumed(request)).to.equal(5n);
      expect(await f.hub.consumed(orderHashes(f, signed).app)).to.equal(5n);
      const last = await signOrders(f, { ...base, workerpoolOrder: pools[2] });
      await expectMatchRefused(f, last, "MatchVolumeZero", []);
    });

    it("takes the smallest remaining volume of the four orders", async () => {
      const f = await networkHelpers.loadFixture(matchingFixture);
      for (const [field, volume] of [
        ["appOrder", 3n],
        ["datasetOrder", 4n],
        ["workerpoolOrder", 2n],
        ["requestOrder", 5n],
      ] as const) {
        const set = clone(await buildOrders(f, f.assets, { volume: 6n }));
        set[field].volume = volume;
        const { deal } = await match(f, await signOrders(f, set));
        expect(deal.botSize).to.equal(volume);
      }
    });
  });

  describe("a request filled whole by its first deal (no consumed counter)", () => {
    it("reads as closed, refuses a second match and is refused by estimateMatch", async () => {
      const f = await networkHelpers.loadFixture(matchingFixture);
      const set = await signOrders(f, await buildOrders(f, f.assets, { volume: 2n }));
      const request = orderHashes(f, set).request;
      const { dealId, deal } = await match(f, set);
      expect(deal.botSize).to.equal(2n);
      expect(dealId).to.equal(computeDealId(request, 0n));
      expect(await f.hub.consumed(request)).to.equal(MaxUint256);
      const estimate = await f.hub.estimateMatch(...matchArgs(set), f.actors.requester.address);
      expect(estimate.volume).to.equal(0n);
      const before = await balanceOf(f, f.actors.requester.address);
      await expectMatchRefused(f, set, "MatchVolumeZero", []);
      expect(await balanceOf(f, f.actors.requester.address)).to.deep.equal(before);
    });

    it("stays closed after a cancel, which then records the volume", async () => {
      const f = await networkHelpers.loadFixture(matchingFixture);
      const set = await signOrders(f, await buildOrders(f, f.assets, { volume: 1n }));
      const request = orderHashes(f, set).request;
      await match(f, set);
      await f.hub.connect(f.actors.requester).cancelRequestOrder(set.requestOrder, "0x");
      expect(await f.hub.consumed(request)).to.equal(1n);
      await expectMatchRefused(f, set, "MatchVolumeZero", []);
    });

    it("keeps a counter when the first deal fills only part of the request", async () => {
      const f = await networkHelpers.loadFixture(matchingFixture);
      const base = await buildOrders(f, f.assets, { volume: 3n });
      base.workerpoolOrder.volume = 2n;
      const set = await signOrders(f, base);
      const request = orderHashes(f, set).request;
      await match(f, set);
      expect(await f.hub.consumed(request)).to.equal(2n);
    });

    it("does not mark other orders closed", async () => {
      const f = await networkHelpers.loadFixture(matchingFixture);
      const set = await signOrders(f, await buildOrders(f, f.assets, { volume: 1n }));
      const { request, ...others } = orderHashes(f, set);
      const { dealId } = await match(f, set);
      expect(await f.hub.consumed(request)).to.equal(MaxUint256);
      for (const h of Object.values(others)) expect(await f.hub.consumed(h)).to.equal(1n);
      expect(await f.hub.consumed(dealId)).to.equal(0n);
      expect(await f.hub.consumed(ZeroHash)).to.equal(0n);
    });
  });

  describe("sponsorMatchOrders", () => {
    it("charges the caller instead of the requester and records it as the sponsor", async () => {
      const f = await networkHelpers.loadFixture(matchingFixture);
      const { stranger, requester } = f.actors;
      const set = await signOrders(f, await buildOrders(f, f.assets, { volume: 2n }));
      const tx = await f.hub.connect(stranger).sponsorMatchOrders(...matchArgs(set));
      const { deal, dealId } = (await import("../helpers/market.js")).dealFromReceipt(
        f,
        (await tx.wait())!,
      );
      await expect(tx)
        .to.emit(f.hub, "Locked")
        .withArgs(stranger.address, 20n * ONE, dealId);
      expect(deal.sponsor).to.equal(stranger.address);
      expect(deal.requester).to.equal(requester.address);
      expect(await balanceOf(f, stranger.address)).to.deep.equal({
        stake: 980n * ONE,
        locked: 20n * ONE,
      });
      expect(await balanceOf(f, requester.address)).to.deep.equal({
        stake: 1_000n * ONE,
        locked: 0n,
      });
    });

    it("reverts with EscrowInsufficientBalance when the sponsor cannot pay", async () => {
      const f = await networkHelpers.loadFixture(matchingFixture);
      // worker3 holds 100 tokens; 11 tasks cost 110.
      const set = await signOrders(f, await buildOrders(f, f.assets, { volume: 11n }));
      await expectMatchRefused(
        f,
        set,
        "EscrowInsufficientBalance",
        [f.actors.worker3.address, 100n * ONE, 110n * ONE],
        { sender: f.actors.worker3, sponsored: true },
      );
    });

    it("reports the exact error when the sponsor is also the pool owner and cannot stake", async () => {
      const f = await networkHelpers.loadFixture(matchingFixture);
      const { poolOwner } = f.actors;
      // 1,000 tokens: the cost of 99 tasks (990) fits, the pool stake on top (148.5) does not.
      const set = await signOrders(f, await buildOrders(f, f.assets, { volume: 99n }));
      await expectMatchRefused(
        f,
        set,
        "EscrowInsufficientBalance",
        [poolOwner.address, 10n * ONE, 99n * ((5n * ONE * 30n) / 100n)],
        { sender: poolOwner, sponsored: true },
      );
    });
  });

  describe("estimateMatch", () => {
    it("returns the volume, task price, cost and pool stake of a match that would succeed", async () => {
      const f = await networkHelpers.loadFixture(matchingFixture);
      const set = await signOrders(f, await buildOrders(f, f.assets, { volume: 4n }));
      const e = await f.hub.estimateMatch(...matchArgs(set), f.actors.requester.address);
      expect(e.volume).to.equal(4n);
      expect(e.taskPrice).to.equal(10n * ONE);
      expect(e.cost).to.equal(40n * ONE);
      expect(e.workerpoolStake).to.equal(4n * ((5n * ONE * 30n) / 100n));
      expect(e.failure).to.equal("0x");
    });

    it("prices a dataset-less match without the dataset", async () => {
      const f = await networkHelpers.loadFixture(matchingFixture);
      const set = await signOrders(f, await buildOrders(f, f.assets, { dataset: false }));
      const e = await f.hub.estimateMatch(...matchArgs(set), f.actors.requester.address);
      expect([e.volume, e.taskPrice, e.cost]).to.deep.equal([1n, 8n * ONE, 8n * ONE]);
    });
  });

  describe("dealHash", () => {
    it("is zero for an unknown deal", async () => {
      const f = await networkHelpers.loadFixture(matchingFixture);
      expect(await f.hub.dealHash(ZeroHash, 0n)).to.equal(ZeroHash);
      expect(await f.hub.dealRecord(ZeroHash)).to.equal(ZeroHash);
    });
  });
});
