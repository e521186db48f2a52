import { expect } from "chai";
import { AbiCoder, Wallet, ZeroAddress, ZeroHash, keccak256 } from "ethers";
import { ethers, marketFixture, networkHelpers } from "../helpers/fixture.js";
import type { MarketFixture } from "../helpers/fixture.js";
import { buildOrders, match, matchArgs, signOrders } from "../helpers/market.js";
import { expectMatchRefused } from "../helpers/matching.js";

const coder = AbiCoder.defaultAbiCoder();
const DAY = 86_400n;

interface GrantsFixture extends MarketFixture {
  now: bigint;
  exactKey: string;
  anyKey: string;
}

/** The market with grants required on its dataset (none granted yet). */
async function grantsFixture(): Promise<GrantsFixture> {
  const f = await marketFixture();
  await f.hub.connect(f.actors.datasetOwner).setGrantsRequired(f.assets.dataset, true);
  const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  const exactKey = await f.hub.grantKey(f.assets.dataset, f.assets.app, f.actors.requester.address);
  const anyKey = await f.hub.grantKey(f.assets.dataset, f.assets.app, ZeroAddress);
  return { ...f, now, exactKey, anyKey };
}

async function grant(f: GrantsFixture, requester: string, uses: bigint, expiry = f.now + DAY) {
  await f.hub
    .connect(f.actors.datasetOwner)
    .grantDatasetUse(f.assets.dataset, f.assets.app, requester, uses, expiry);
}

async function orders(f: GrantsFixture, volume = 1n) {
  return signOrders(f, await buildOrders(f, f.assets, { volume }));
}

describe("Polis (dataset grants)", () => {
  describe("setGrantsRequired", () => {
    it("lets the dataset owner require and drop grants", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const hub = f.hub.connect(f.actors.datasetOwner);
      await expect(hub.setGrantsRequired(f.assets.dataset, true))
        .to.emit(f.hub, "DatasetGrantsRequired")
        .withArgs(f.assets.dataset, true);
      expect(await f.hub.grantsRequired(f.assets.dataset)).to.equal(true);
      await hub.setGrantsRequired(f.assets.dataset, false);
      expect(await f.hub.grantsRequired(f.assets.dataset)).to.equal(false);
    });

    it("reverts with GrantNotDatasetOwner for anyone else", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const { stranger } = f.actors;
      await expect(f.hub.connect(stranger).setGrantsRequired(f.assets.dataset, true))
        .to.be.revertedWithCustomError(f.hub, "GrantNotDatasetOwner")
        .withArgs(f.assets.dataset, stranger.address);
      expect(await f.hub.grantsRequired(f.assets.dataset)).to.equal(false);
    });

    it("follows the dataset token: after a transfer only the new owner manages grants", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const { datasetOwner, stranger } = f.actors;
      await f.datasetRegistry
        .connect(datasetOwner)
        .transferFrom(datasetOwner.address, stranger.address, BigInt(f.assets.dataset));
      await expect(f.hub.connect(datasetOwner).setGrantsRequired(f.assets.dataset, true))
        .to.be.revertedWithCustomError(f.hub, "GrantNotDatasetOwner")
        .withArgs(f.assets.dataset, datasetOwner.address);
      await f.hub.connect(stranger).setGrantsRequired(f.assets.dataset, true);
      expect(await f.hub.grantsRequired(f.assets.dataset)).to.equal(true);
    });
  });

  describe("grantDatasetUse", () => {
    it("stores a readable grant under keccak256(dataset, owner, app, requester)", async () => {
      const f = await networkHelpers.loadFixture(grantsFixture);
      const requester = f.actors.requester.address;
      expect(f.exactKey).to.equal(
        keccak256(
          coder.encode(
            ["address", "address", "address", "address"],
            [f.assets.dataset, f.actors.datasetOwner.address, f.assets.app, requester],
          ),
        ),
      );
      await expect(
        f.hub
          .connect(f.actors.datasetOwner)
          .grantDatasetUse(f.assets.dataset, f.assets.app, requester, 5n, f.now + DAY),
      )
        .to.emit(f.hub, "DatasetGrantSet")
        .withArgs(f.exactKey, f.assets.dataset, f.assets.app, requester, 5n, f.now + DAY);
      const g = await f.hub.grantOf(f.exactKey);
      expect([g.uses, g.used, g.expiry, g.revoked]).to.deep.equal([5n, 0n, f.now + DAY, false]);
      expect(await f.hub.isGrantLive(f.exactKey)).to.equal(true);
      expect(await f.hub.isGrantLive(f.anyKey)).to.equal(false);
    });

    it("reverts with GrantParamsInvalid for zero uses", async () => {
      const f = await networkHelpers.loadFixture(grantsFixture);
      await expect(
        f.hub
          .connect(f.actors.datasetOwner)
          .grantDatasetUse(f.assets.dataset, f.assets.app, ZeroAddress, 0n, f.now + DAY),
      )
        .to.be.revertedWithCustomError(f.hub, "GrantParamsInvalid")
        .withArgs(0n, f.now + DAY);
    });

    it("reverts with GrantParamsInvalid for an expiry that is not in the future", async () => {
      const f = await networkHelpers.loadFixture(grantsFixture);
      const expiry = f.now + 10n;
      await networkHelpers.time.setNextBlockTimestamp(expiry);
      await expect(
        f.hub
          .connect(f.actors.datasetOwner)
          .grantDatasetUse(f.assets.dataset, f.assets.app, ZeroAddress, 1n, expiry),
      )
        .to.be.revertedWithCustomError(f.hub, "GrantParamsInvalid")
        .withArgs(1n, expiry);
      expect((await f.hub.grantOf(f.anyKey)).uses).to.equal(0n);
    });

    it("reverts with GrantNotDatasetOwner for anyone else", async () => {
      const f = await networkHelpers.loadFixture(grantsFixture);
      const { stranger } = f.actors;
      await expect(
        f.hub
          .connect(stranger)
          .grantDatasetUse(f.assets.dataset, f.assets.app, stranger.address, 1n, f.now + DAY),
      )
        .to.be.revertedWithCustomError(f.hub, "GrantNotDatasetOwner")
        .withArgs(f.assets.dataset, stranger.address);
    });

    it("reverts with GrantNotDatasetOwner for an unregistered dataset", async () => {
      const f = await networkHelpers.loadFixture(grantsFixture);
      const unknown = Wallet.createRandom().address;
      await expect(
        f.hub
          .connect(f.actors.datasetOwner)
          .grantDatasetUse(unknown, f.assets.app, ZeroAddress, 1n, f.now + DAY),
      )
        .to.be.revertedWithCustomError(f.hub, "GrantNotDatasetOwner")
        .withArgs(unknown, f.actors.datasetOwner.address);
    });

    it("replaces a previous grant, resetting its use count and revocation", async () => {
      const f = await networkHelpers.loadFixture(grantsFixture);
      await grant(f, f.actors.requester.address, 2n);
      await match(f, await orders(f, 2n));
      await f.hub
        .connect(f.actors.datasetOwner)
        .revokeDatasetGrant(f.assets.dataset, f.assets.app, f.actors.requester.address);
      await grant(f, f.actors.requester.address, 4n, f.now + 2n * DAY);
      const g = await f.hub.grantOf(f.exactKey);
      expect([g.uses, g.used, g.expiry, g.revoked]).to.deep.equal([
        4n,
        0n,
        f.now + 2n * DAY,
        false,
      ]);
    });
  });

  describe("revokeDatasetGrant", () => {
    it("revokes a grant", async () => {
      const f = await networkHelpers.loadFixture(grantsFixture);
      await grant(f, ZeroAddress, 3n);
      await expect(
        f.hub
          .connect(f.actors.datasetOwner)
          .revokeDatasetGrant(f.assets.dataset, f.assets.app, ZeroAddress),
      )
        .to.emit(f.hub, "DatasetGrantRevoked")
        .withArgs(f.anyKey, f.assets.dataset);
      expect((await f.hub.grantOf(f.anyKey)).revoked).to.equal(true);
      expect(await f.hub.isGrantLive(f.anyKey)).to.equal(false);
    });

    it("reverts with GrantMissing when no grant exists", async () => {
      const f = await networkHelpers.loadFixture(grantsFixture);
      await expect(
        f.hub
          .connect(f.actors.datasetOwner)
          .revokeDatasetGrant(f.assets.dataset, f.assets.app, f.actors.stranger.address),
      )
        .to.be.revertedWithCustomError(f.hub, "GrantMissing")
        .withArgs(f.assets.dataset, f.assets.app, f.actors.stranger.address);
    });

    it("reverts with GrantNotDatasetOwner for anyone else", async () => {
      const f = await networkHelpers.loadFixture(grantsFixture);
      await grant(f, ZeroAddress, 3n);
      await expect(
        f.hub
          .connect(f.actors.stranger)
          .revokeDatasetGrant(f.assets.dataset, f.assets.app, ZeroAddress),
      )
        .to.be.revertedWithCustomError(f.hub, "GrantNotDatasetOwner")
        .withArgs(f.assets.dataset, f.actors.stranger.address);
      expect(await f.hub.isGrantLive(f.anyKey)).to.equal(true);
    });
  });

  describe("isGrantLive", () => {
    it("turns false after the expiry second", async () => {
      const f = await networkHelpers.loadFixture(grantsFixture);
      await grant(f, ZeroAddress, 1n, f.now + 100n);
      await networkHelpers.time.increaseTo(f.now + 100n);
      expect(await f.hub.isGrantLive(f.anyKey)).to.equal(true);
      await networkHelpers.time.increaseTo(f.now + 101n);
      expect(await f.hub.isGrantLive(f.anyKey)).to.equal(false);
    });
  });

  describe("matchOrders with grants required", () => {
    it("reverts with GrantMissing without any grant", async () => {
      const f = await networkHelpers.loadFixture(grantsFixture);
      await expectMatchRefused(f, await orders(f), "GrantMissing", [
        f.assets.dataset,
        f.assets.app,
        f.actors.requester.address,
      ]);
    });

    it("uses an exact grant, records its key in the deal and consumes one use per task", async () => {
      const f = await networkHelpers.loadFixture(grantsFixture);
      await grant(f, f.actors.requester.address, 5n);
      const set = await orders(f, 3n);
      const tx = await f.hub.connect(f.actors.requester).matchOrders(...matchArgs(set));
      const receipt = (await tx.wait())!;
      const { dealFromReceipt } = await import("../helpers/market.js");
      const { dealId, deal } = dealFromReceipt(f, receipt);
      await expect(tx).to.emit(f.hub, "DatasetGrantUsed").withArgs(f.exactKey, dealId, 3n);
      expect(deal.grantKey).to.equal(f.exactKey);
      expect((await f.hub.grantOf(f.exactKey)).used).to.equal(3n);
    });

    it("falls back to the wildcard grant for any requester", async () => {
      const f = await networkHelpers.loadFixture(grantsFixture);
      await grant(f, ZeroAddress, 5n);
      const { deal } = await match(f, await orders(f, 2n));
      expect(deal.grantKey).to.equal(f.anyKey);
      expect((await f.hub.grantOf(f.anyKey)).used).to.equal(2n);
    });

    it("prefers the exact grant over the wildcard", async () => {
      const f = await networkHelpers.loadFixture(grantsFixture);
      await grant(f, ZeroAddress, 5n);
      await grant(f, f.actors.requester.address, 5n);
      const { deal } = await match(f, await orders(f));
      expect(deal.grantKey).to.equal(f.exactKey);
      expect((await f.hub.grantOf(f.anyKey)).used).to.equal(0n);
    });

    it("reverts with GrantRevoked for a revoked exact grant even when a wildcard exists (exact wins)", async () => {
      const f = await networkHelpers.loadFixture(grantsFixture);
      await grant(f, ZeroAddress, 5n);
      await grant(f, f.actors.requester.address, 5n);
      await f.hub
        .connect(f.actors.datasetOwner)
        .revokeDatasetGrant(f.assets.dataset, f.assets.app, f.actors.requester.address);
      await expectMatchRefused(f, await orders(f), "GrantRevoked", [f.exactKey]);
    });

    it("reverts with GrantRevoked for a revoked wildcard grant", async () => {
      const f = await networkHelpers.loadFixture(grantsFixture);
      await grant(f, ZeroAddress, 5n);
      await f.hub
        .connect(f.actors.datasetOwner)
        .revokeDatasetGrant(f.assets.dataset, f.assets.app, ZeroAddress);
      await expectMatchRefused(f, await orders(f), "GrantRevoked", [f.anyKey]);
    });

    it("accepts a grant at its expiry second and reverts with GrantExpired after it", async () => {
      const f = await networkHelpers.loadFixture(grantsFixture);
      const expiry = f.now + 1_000n;
      await grant(f, f.actors.requester.address, 5n, expiry);
      const first = await orders(f);
      await networkHelpers.time.setNextBlockTimestamp(expiry);
      await match(f, first);
      await networkHelpers.time.increaseTo(expiry + 1n);
      await expectMatchRefused(f, await orders(f), "GrantExpired", [f.exactKey, expiry]);
    });

    it("caps the deal volume at the uses left, then reverts with GrantExhausted", async () => {
      const f = await networkHelpers.loadFixture(grantsFixture);
      await grant(f, f.actors.requester.address, 3n);
      const est = await f.hub.estimateMatch(
        ...matchArgs(await orders(f, 10n)),
        f.actors.requester.address,
      );
      expect(est.volume).to.equal(3n);
      const { deal } = await match(f, await orders(f, 10n));
      expect(deal.botSize).to.equal(3n);
      expect((await f.hub.grantOf(f.exactKey)).used).to.equal(3n);
      await expectMatchRefused(f, await orders(f), "GrantExhausted", [f.exactKey, 3n]);
    });

    it("stops matching the previous owner's grants once the dataset token is transferred", async () => {
      const f = await networkHelpers.loadFixture(grantsFixture);
      const { datasetOwner, stranger, requester } = f.actors;
      await grant(f, requester.address, 5n);
      await grant(f, ZeroAddress, 5n);
      await f.datasetRegistry
        .connect(datasetOwner)
        .transferFrom(datasetOwner.address, stranger.address, BigInt(f.assets.dataset));
      // The key now names the new owner, who has granted nothing: the old grants are not theirs.
      const newKey = await f.hub.grantKey(f.assets.dataset, f.assets.app, requester.address);
      expect(newKey).to.not.equal(f.exactKey);
      expect((await f.hub.grantOf(newKey)).uses).to.equal(0n);
      const set = await signOrders(f, await buildOrders(f, f.assets), undefined, {
        dataset: stranger,
      });
      await expectMatchRefused(f, set, "GrantMissing", [
        f.assets.dataset,
        f.assets.app,
        requester.address,
      ]);
      // Nor can the previous owner manage them any more; the new owner grants afresh.
      await expect(
        f.hub
          .connect(datasetOwner)
          .revokeDatasetGrant(f.assets.dataset, f.assets.app, requester.address),
      )
        .to.be.revertedWithCustomError(f.hub, "GrantNotDatasetOwner")
        .withArgs(f.assets.dataset, datasetOwner.address);
      await f.hub
        .connect(stranger)
        .grantDatasetUse(f.assets.dataset, f.assets.app, requester.address, 2n, f.now + DAY);
      const { deal } = await match(f, set);
      expect(deal.grantKey).to.equal(newKey);
      expect((await f.hub.grantOf(newKey)).used).to.equal(1n);
      expect((await f.hub.grantOf(f.exactKey)).used, "the old grant is untouched").to.equal(0n);
    });

    it("ignores grants when the dataset does not require them", async () => {
      const f = await networkHelpers.loadFixture(grantsFixture);
      await f.hub.connect(f.actors.datasetOwner).setGrantsRequired(f.assets.dataset, false);
      await grant(f, f.actors.requester.address, 1n);
      const { deal } = await match(f, await orders(f, 2n));
      expect(deal.grantKey).to.equal(ZeroHash);
      expect((await f.hub.grantOf(f.exactKey)).used).to.equal(0n);
    });

    it("needs no grant for a dataset-less deal", async () => {
      const f = await networkHelpers.loadFixture(grantsFixture);
      const set = await signOrders(f, await buildOrders(f, f.assets, { dataset: false }));
      const { deal } = await match(f, set);
      expect(deal.grantKey).to.equal(ZeroHash);
    });
  });
});
