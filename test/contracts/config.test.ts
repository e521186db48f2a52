import { expect } from "chai";
import { ZeroAddress } from "ethers";
import { deployFixture, ethers, networkHelpers } from "../helpers/fixture.js";
import { DEFAULT_CATEGORIES } from "../../src/sdk/deploy/categories.js";

describe("Polis (config)", () => {
  describe("constructor", () => {
    it("binds the token, the registries, its governance and its own task manager", async () => {
      const f = await networkHelpers.loadFixture(deployFixture);
      expect(await f.hub.token()).to.equal(await f.token.getAddress());
      expect(await f.hub.appRegistry()).to.equal(await f.appRegistry.getAddress());
      expect(await f.hub.datasetRegistry()).to.equal(await f.datasetRegistry.getAddress());
      expect(await f.hub.workerpoolRegistry()).to.equal(await f.workerpoolRegistry.getAddress());
      expect(await f.hub.owner()).to.equal(f.actors.governance.address);
      expect(await f.hub.taskManager()).to.equal(await f.taskManager.getAddress());
      expect(await f.taskManager.hub()).to.equal(await f.hub.getAddress());
      expect(await f.hub.kitty()).to.equal(0n);
    });
  });

  describe("createCategory", () => {
    it("adds categories with increasing ids", async () => {
      const f = await networkHelpers.loadFixture(deployFixture);
      const n = BigInt(DEFAULT_CATEGORIES.length);
      expect(await f.hub.categoryCount()).to.equal(n);
      for (const [i, c] of DEFAULT_CATEGORIES.entries()) {
        expect(await f.hub.categoryTimeRef(i)).to.equal(c.timeRef);
      }
      await expect(f.hub.createCategory("XXL", "huge", 100_000n))
        .to.emit(f.hub, "CategoryCreated")
        .withArgs(n, "XXL", "huge", 100_000n);
      expect(await f.hub.categoryCount()).to.equal(n + 1n);
      expect(await f.hub.categoryTimeRef(n)).to.equal(100_000n);
    });

    it("accepts time references from 1 s to 2^32 - 1 s", async () => {
      const f = await networkHelpers.loadFixture(deployFixture);
      await f.hub.createCategory("tiny", "", 1n);
      await f.hub.createCategory("longest", "", 2n ** 32n - 1n);
      expect(await f.hub.categoryTimeRef(6n)).to.equal(2n ** 32n - 1n);
    });

    it("reverts with CategoryTimeRefInvalid for a zero time reference", async () => {
      const f = await networkHelpers.loadFixture(deployFixture);
      await expect(f.hub.createCategory("zero", "", 0n))
        .to.be.revertedWithCustomError(f.hub, "CategoryTimeRefInvalid")
        .withArgs(0n);
    });

    it("reverts with CategoryTimeRefInvalid from 2^32 s, so 64-bit deadlines cannot wrap", async () => {
      const f = await networkHelpers.loadFixture(deployFixture);
      for (const timeRef of [2n ** 32n, 2n ** 64n - 1n]) {
        await expect(f.hub.createCategory("huge", "", timeRef))
          .to.be.revertedWithCustomError(f.hub, "CategoryTimeRefInvalid")
          .withArgs(timeRef);
      }
      expect(await f.hub.categoryCount()).to.equal(BigInt(DEFAULT_CATEGORIES.length));
    });

    it("reverts with OwnableUnauthorizedAccount for anyone but governance", async () => {
      const f = await networkHelpers.loadFixture(deployFixture);
      await expect(f.hub.connect(f.actors.stranger).createCategory("x", "", 60n))
        .to.be.revertedWithCustomError(f.hub, "OwnableUnauthorizedAccount")
        .withArgs(f.actors.stranger.address);
    });
  });

  describe("categoryTimeRef", () => {
    it("reverts with MatchCategoryUnknown for a category that does not exist", async () => {
      const f = await networkHelpers.loadFixture(deployFixture);
      await expect(f.hub.categoryTimeRef(99n))
        .to.be.revertedWithCustomError(f.hub, "MatchCategoryUnknown")
        .withArgs(99n);
    });
  });

  describe("transferOwnership", () => {
    it("hands governance of the hub and the task manager over in two steps", async () => {
      const f = await networkHelpers.loadFixture(deployFixture);
      const { governance, stranger } = f.actors;
      await f.hub.connect(governance).transferOwnership(stranger.address);
      expect(await f.hub.owner()).to.equal(governance.address);
      await f.hub.connect(stranger).acceptOwnership();
      expect(await f.hub.owner()).to.equal(stranger.address);
      await expect(f.taskManager.connect(governance).setCallbackGas(60_000n))
        .to.be.revertedWithCustomError(f.taskManager, "TaskConfigUnauthorized")
        .withArgs(governance.address);
      await f.taskManager.connect(stranger).setCallbackGas(60_000n);
      expect(await f.taskManager.callbackGas()).to.equal(60_000n);
    });
  });
});

describe("TaskManager (config)", () => {
  describe("setAttestationVerifier", () => {
    it("registers and removes a verifier", async () => {
      const f = await networkHelpers.loadFixture(deployFixture);
      const key = ethers.Wallet.createRandom().address;
      expect(await f.taskManager.isAttestationVerifier(f.verifier.address)).to.equal(true);
      expect(await f.taskManager.isAttestationVerifier(key)).to.equal(false);
      await expect(f.taskManager.setAttestationVerifier(key, true))
        .to.emit(f.taskManager, "AttestationVerifierSet")
        .withArgs(key, true);
      expect(await f.taskManager.isAttestationVerifier(key)).to.equal(true);
      await expect(f.taskManager.setAttestationVerifier(key, false))
        .to.emit(f.taskManager, "AttestationVerifierSet")
        .withArgs(key, false);
      expect(await f.taskManager.isAttestationVerifier(key)).to.equal(false);
    });

    it("reverts with TaskConfigUnauthorized for anyone but the hub's owner", async () => {
      const f = await networkHelpers.loadFixture(deployFixture);
      const { stranger } = f.actors;
      await expect(f.taskManager.connect(stranger).setAttestationVerifier(stranger.address, true))
        .to.be.revertedWithCustomError(f.taskManager, "TaskConfigUnauthorized")
        .withArgs(stranger.address);
      expect(await f.taskManager.isAttestationVerifier(stranger.address)).to.equal(false);
      expect(await f.taskManager.isAttestationVerifier(ZeroAddress)).to.equal(false);
    });
  });

  describe("setCallbackGas", () => {
    it("defaults to 100k and accepts the bounds 50k and 5M", async () => {
      const f = await networkHelpers.loadFixture(deployFixture);
      expect(await f.taskManager.callbackGas()).to.equal(100_000n);
      await expect(f.taskManager.setCallbackGas(50_000n))
        .to.emit(f.taskManager, "CallbackGasSet")
        .withArgs(50_000n);
      await f.taskManager.setCallbackGas(5_000_000n);
      expect(await f.taskManager.callbackGas()).to.equal(5_000_000n);
    });

    it("reverts with CallbackGasInvalid outside [50k, 5M]", async () => {
      const f = await networkHelpers.loadFixture(deployFixture);
      for (const gas of [49_999n, 5_000_001n]) {
        await expect(f.taskManager.setCallbackGas(gas))
          .to.be.revertedWithCustomError(f.taskManager, "CallbackGasInvalid")
          .withArgs(gas);
      }
      expect(await f.taskManager.callbackGas()).to.equal(100_000n);
    });

    it("reverts with TaskConfigUnauthorized for anyone but the hub's owner", async () => {
      const f = await networkHelpers.loadFixture(deployFixture);
      await expect(f.taskManager.connect(f.actors.poolOwner).setCallbackGas(60_000n))
        .to.be.revertedWithCustomError(f.taskManager, "TaskConfigUnauthorized")
        .withArgs(f.actors.poolOwner.address);
    });
  });
});
