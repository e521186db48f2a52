import { expect } from "chai";
import { ZeroAddress, ZeroHash, keccak256, toUtf8Bytes } from "ethers";
import { deployFixture, ethers, networkHelpers } from "../helpers/fixture.js";
import type { PolisFixture } from "../helpers/fixture.js";

const appParams = (label = "app") => ({
  name: label,
  uri: `ipfs://${label}`,
  checksum: keccak256(toUtf8Bytes(`${label}-bundle`)),
  mrenclave: keccak256(toUtf8Bytes(`${label}-mrenclave`)),
  enclaveConfigHash: keccak256(toUtf8Bytes(`${label}-config`)),
});

const datasetParams = (label = "dataset") => ({
  name: label,
  uri: `https://data.example/${label}`,
  checksum: keccak256(toUtf8Bytes(`${label}-file`)),
});

const poolParams = (label = "pool", scheduler = ZeroAddress) => ({
  description: label,
  resourceClass: 2,
  location: "eu-west/paris",
  workerStakeRatio: 30,
  schedulerRewardRatio: 20,
  scheduler,
});

async function registriesFixture(): Promise<PolisFixture> {
  return deployFixture();
}

describe("AppRegistry", () => {
  describe("createApp", () => {
    it("mints the app token to the caller at the predicted address and stores its record", async () => {
      const f = await networkHelpers.loadFixture(registriesFixture);
      const { appOwner } = f.actors;
      const p = appParams();
      const app = await f.appRegistry.predictApp(appOwner.address, p);
      await expect(f.appRegistry.connect(appOwner).createApp(p))
        .to.emit(f.appRegistry, "AppCreated")
        .withArgs(
          app,
          appOwner.address,
          p.name,
          p.uri,
          p.checksum,
          p.mrenclave,
          p.enclaveConfigHash,
        )
        .and.to.emit(f.appRegistry, "Transfer")
        .withArgs(ZeroAddress, appOwner.address, BigInt(app));
      expect(await f.appRegistry.ownerOf(BigInt(app))).to.equal(appOwner.address);
      expect(await f.appRegistry.ownerOfAsset(app)).to.equal(appOwner.address);
      expect(await f.appRegistry.exists(app)).to.equal(true);
      const record = await f.appRegistry.appRecord(app);
      expect(record.checksum).to.equal(p.checksum);
      expect(record.mrenclave).to.equal(p.mrenclave);
      expect(await f.appRegistry.appInfo(app)).to.deep.equal([appOwner.address, p.mrenclave]);
      expect(await f.appRegistry.name()).to.equal("Polis App");
      expect(await f.appRegistry.symbol()).to.equal("PAPP");
    });

    it("accepts an app without a measurement (non-TEE)", async () => {
      const f = await networkHelpers.loadFixture(registriesFixture);
      const p = { ...appParams(), mrenclave: ZeroHash };
      const app = await f.appRegistry.predictApp(f.actors.appOwner.address, p);
      await f.appRegistry.connect(f.actors.appOwner).createApp(p);
      expect((await f.appRegistry.appRecord(app)).mrenclave).to.equal(ZeroHash);
    });

    it("reverts with RegistryAssetExists when the same owner registers the same content twice", async () => {
      const f = await networkHelpers.loadFixture(registriesFixture);
      const p = appParams();
      const app = await f.appRegistry.predictApp(f.actors.appOwner.address, p);
      await f.appRegistry.connect(f.actors.appOwner).createApp(p);
      await expect(f.appRegistry.connect(f.actors.appOwner).createApp(p))
        .to.be.revertedWithCustomError(f.appRegistry, "RegistryAssetExists")
        .withArgs(app);
    });

    it("gives another owner of the same content another address", async () => {
      const f = await networkHelpers.loadFixture(registriesFixture);
      const p = appParams();
      await f.appRegistry.connect(f.actors.appOwner).createApp(p);
      const other = await f.appRegistry.predictApp(f.actors.stranger.address, p);
      await f.appRegistry.connect(f.actors.stranger).createApp(p);
      expect(await f.appRegistry.ownerOfAsset(other)).to.equal(f.actors.stranger.address);
      expect(other).to.not.equal(await f.appRegistry.predictApp(f.actors.appOwner.address, p));
    });

    it("gives different content different addresses", async () => {
      const f = await networkHelpers.loadFixture(registriesFixture);
      const owner = f.actors.appOwner.address;
      const base = appParams();
      const variants = [
        { ...base, name: "other" },
        { ...base, uri: "ipfs://other" },
        { ...base, checksum: keccak256("0x01") },
        { ...base, mrenclave: keccak256("0x02") },
        { ...base, enclaveConfigHash: keccak256("0x03") },
      ];
      const addresses = new Set([await f.appRegistry.predictApp(owner, base)]);
      for (const v of variants) addresses.add(await f.appRegistry.predictApp(owner, v));
      expect(addresses.size).to.equal(variants.length + 1);
    });

    for (const [field, why, patch] of [
      ["name", "is empty", { name: "" }],
      ["name", "is longer than 256 bytes", { name: "n".repeat(257) }],
      ["uri", "is empty", { uri: "" }],
      ["uri", "is longer than 2048 bytes", { uri: "u".repeat(2049) }],
      ["checksum", "is zero", { checksum: ZeroHash }],
    ] as const) {
      it(`reverts with RegistryFieldInvalid when the ${field} ${why}`, async () => {
        const f = await networkHelpers.loadFixture(registriesFixture);
        await expect(
          f.appRegistry.connect(f.actors.appOwner).createApp({ ...appParams(), ...patch }),
        )
          .to.be.revertedWithCustomError(f.appRegistry, "RegistryFieldInvalid")
          .withArgs(field);
      });
    }

    it("accepts fields at their maximum lengths", async () => {
      const f = await networkHelpers.loadFixture(registriesFixture);
      const p = { ...appParams(), name: "n".repeat(256), uri: "u".repeat(2048) };
      const app = await f.appRegistry.predictApp(f.actors.appOwner.address, p);
      await f.appRegistry.connect(f.actors.appOwner).createApp(p);
      expect(await f.appRegistry.exists(app)).to.equal(true);
    });
  });

  describe("ownerOfAsset / appInfo", () => {
    it("returns zeros for an unknown app instead of reverting", async () => {
      const f = await networkHelpers.loadFixture(registriesFixture);
      const unknown = ethers.Wallet.createRandom().address;
      expect(await f.appRegistry.ownerOfAsset(unknown)).to.equal(ZeroAddress);
      expect(await f.appRegistry.exists(unknown)).to.equal(false);
      expect(await f.appRegistry.appInfo(unknown)).to.deep.equal([ZeroAddress, ZeroHash]);
      const record = await f.appRegistry.appRecord(unknown);
      expect([record.checksum, record.mrenclave]).to.deep.equal([ZeroHash, ZeroHash]);
    });
  });

  describe("transferFrom", () => {
    it("transfers control of the app with the token", async () => {
      const f = await networkHelpers.loadFixture(registriesFixture);
      const { appOwner, stranger } = f.actors;
      const p = appParams();
      const app = await f.appRegistry.predictApp(appOwner.address, p);
      await f.appRegistry.connect(appOwner).createApp(p);
      await f.appRegistry
        .connect(appOwner)
        .transferFrom(appOwner.address, stranger.address, BigInt(app));
      expect(await f.appRegistry.ownerOfAsset(app)).to.equal(stranger.address);
      expect((await f.appRegistry.appInfo(app))[0]).to.equal(stranger.address);
    });
  });
});

describe("DatasetRegistry", () => {
  describe("createDataset", () => {
    it("mints the dataset token at the predicted address and stores its checksum", async () => {
      const f = await networkHelpers.loadFixture(registriesFixture);
      const { datasetOwner } = f.actors;
      const p = datasetParams();
      const dataset = await f.datasetRegistry.predictDataset(datasetOwner.address, p);
      await expect(f.datasetRegistry.connect(datasetOwner).createDataset(p))
        .to.emit(f.datasetRegistry, "DatasetCreated")
        .withArgs(dataset, datasetOwner.address, p.name, p.uri, p.checksum);
      expect(await f.datasetRegistry.ownerOfAsset(dataset)).to.equal(datasetOwner.address);
      expect(await f.datasetRegistry.exists(dataset)).to.equal(true);
      expect(await f.datasetRegistry.datasetChecksum(dataset)).to.equal(p.checksum);
      expect(await f.datasetRegistry.symbol()).to.equal("PDATA");
    });

    it("reverts with RegistryAssetExists on a duplicate", async () => {
      const f = await networkHelpers.loadFixture(registriesFixture);
      const p = datasetParams();
      const dataset = await f.datasetRegistry.predictDataset(f.actors.datasetOwner.address, p);
      await f.datasetRegistry.connect(f.actors.datasetOwner).createDataset(p);
      await expect(f.datasetRegistry.connect(f.actors.datasetOwner).createDataset(p))
        .to.be.revertedWithCustomError(f.datasetRegistry, "RegistryAssetExists")
        .withArgs(dataset);
    });

    for (const [field, why, patch] of [
      ["name", "is empty", { name: "" }],
      ["name", "is longer than 256 bytes", { name: "n".repeat(257) }],
      ["uri", "is empty", { uri: "" }],
      ["uri", "is longer than 2048 bytes", { uri: "u".repeat(2049) }],
      ["checksum", "is zero", { checksum: ZeroHash }],
    ] as const) {
      it(`reverts with RegistryFieldInvalid when the ${field} ${why}`, async () => {
        const f = await networkHelpers.loadFixture(registriesFixture);
        await expect(
          f.datasetRegistry
            .connect(f.actors.datasetOwner)
            .createDataset({ ...datasetParams(), ...patch }),
        )
          .to.be.revertedWithCustomError(f.datasetRegistry, "RegistryFieldInvalid")
          .withArgs(field);
      });
    }

    it("returns a zero checksum for an unknown dataset", async () => {
      const f = await networkHelpers.loadFixture(registriesFixture);
      expect(
        await f.datasetRegistry.datasetChecksum(ethers.Wallet.createRandom().address),
      ).to.equal(ZeroHash);
    });
  });
});

describe("WorkerpoolRegistry", () => {
  async function createPool(f: PolisFixture, scheduler = ZeroAddress) {
    const p = poolParams("pool", scheduler);
    const pool = await f.workerpoolRegistry.predictWorkerpool(f.actors.poolOwner.address, p);
    await f.workerpoolRegistry.connect(f.actors.poolOwner).createWorkerpool(p);
    return pool;
  }

  describe("createWorkerpool", () => {
    it("mints the pool token and stores its policy, the owner scheduling by default", async () => {
      const f = await networkHelpers.loadFixture(registriesFixture);
      const { poolOwner } = f.actors;
      const p = poolParams();
      const pool = await f.workerpoolRegistry.predictWorkerpool(poolOwner.address, p);
      await expect(f.workerpoolRegistry.connect(poolOwner).createWorkerpool(p))
        .to.emit(f.workerpoolRegistry, "WorkerpoolCreated")
        .withArgs(pool, poolOwner.address, p.description, p.resourceClass, p.location, 30, 20)
        .and.not.to.emit(f.workerpoolRegistry, "WorkerpoolSchedulerUpdated");
      const record = await f.workerpoolRegistry.workerpoolRecord(pool);
      expect(record.scheduler).to.equal(ZeroAddress);
      expect(record.resourceClass).to.equal(2n);
      expect(record.workerStakeRatio).to.equal(30n);
      expect(record.schedulerRewardRatio).to.equal(20n);
      expect(await f.workerpoolRegistry.workerpoolInfo(pool)).to.deep.equal([
        poolOwner.address,
        poolOwner.address,
        30n,
        20n,
      ]);
    });

    it("records a delegated scheduler given at creation", async () => {
      const f = await networkHelpers.loadFixture(registriesFixture);
      const scheduler = f.actors.stranger.address;
      const p = poolParams("pool", scheduler);
      const pool = await f.workerpoolRegistry.predictWorkerpool(f.actors.poolOwner.address, p);
      await expect(f.workerpoolRegistry.connect(f.actors.poolOwner).createWorkerpool(p))
        .to.emit(f.workerpoolRegistry, "WorkerpoolSchedulerUpdated")
        .withArgs(pool, scheduler);
      expect((await f.workerpoolRegistry.workerpoolInfo(pool))[1]).to.equal(scheduler);
    });

    it("accepts an empty location and ratios of exactly 100", async () => {
      const f = await networkHelpers.loadFixture(registriesFixture);
      const p = { ...poolParams(), location: "", workerStakeRatio: 100, schedulerRewardRatio: 100 };
      const pool = await f.workerpoolRegistry.predictWorkerpool(f.actors.poolOwner.address, p);
      await f.workerpoolRegistry.connect(f.actors.poolOwner).createWorkerpool(p);
      expect(await f.workerpoolRegistry.exists(pool)).to.equal(true);
    });

    it("reverts with RegistryAssetExists on a duplicate", async () => {
      const f = await networkHelpers.loadFixture(registriesFixture);
      const pool = await createPool(f);
      await expect(f.workerpoolRegistry.connect(f.actors.poolOwner).createWorkerpool(poolParams()))
        .to.be.revertedWithCustomError(f.workerpoolRegistry, "RegistryAssetExists")
        .withArgs(pool);
    });

    for (const [field, why, patch] of [
      ["description", "is empty", { description: "" }],
      ["description", "is longer than 256 bytes", { description: "d".repeat(257) }],
      ["location", "is longer than 256 bytes", { location: "l".repeat(257) }],
    ] as const) {
      it(`reverts with RegistryFieldInvalid when the ${field} ${why}`, async () => {
        const f = await networkHelpers.loadFixture(registriesFixture);
        await expect(
          f.workerpoolRegistry
            .connect(f.actors.poolOwner)
            .createWorkerpool({ ...poolParams(), ...patch }),
        )
          .to.be.revertedWithCustomError(f.workerpoolRegistry, "RegistryFieldInvalid")
          .withArgs(field);
      });
    }

    it("reverts with WorkerpoolRatioInvalid when a ratio exceeds 100", async () => {
      const f = await networkHelpers.loadFixture(registriesFixture);
      const pool = f.workerpoolRegistry.connect(f.actors.poolOwner);
      await expect(pool.createWorkerpool({ ...poolParams(), workerStakeRatio: 101 }))
        .to.be.revertedWithCustomError(f.workerpoolRegistry, "WorkerpoolRatioInvalid")
        .withArgs(101);
      await expect(pool.createWorkerpool({ ...poolParams(), schedulerRewardRatio: 255 }))
        .to.be.revertedWithCustomError(f.workerpoolRegistry, "WorkerpoolRatioInvalid")
        .withArgs(255);
    });
  });

  describe("setWorkerpoolPolicy", () => {
    it("updates the ratios of future deals", async () => {
      const f = await networkHelpers.loadFixture(registriesFixture);
      const pool = await createPool(f);
      await expect(
        f.workerpoolRegistry.connect(f.actors.poolOwner).setWorkerpoolPolicy(pool, 0, 100),
      )
        .to.emit(f.workerpoolRegistry, "WorkerpoolPolicyUpdated")
        .withArgs(pool, 0, 100);
      const info = await f.workerpoolRegistry.workerpoolInfo(pool);
      expect([info[2], info[3]]).to.deep.equal([0n, 100n]);
    });

    it("reverts with RegistryNotOwner for anyone but the owner", async () => {
      const f = await networkHelpers.loadFixture(registriesFixture);
      const pool = await createPool(f);
      await expect(f.workerpoolRegistry.connect(f.actors.stranger).setWorkerpoolPolicy(pool, 1, 1))
        .to.be.revertedWithCustomError(f.workerpoolRegistry, "RegistryNotOwner")
        .withArgs(pool, f.actors.stranger.address);
    });

    it("reverts with RegistryAssetUnknown for an unregistered pool", async () => {
      const f = await networkHelpers.loadFixture(registriesFixture);
      const unknown = ethers.Wallet.createRandom().address;
      await expect(
        f.workerpoolRegistry.connect(f.actors.poolOwner).setWorkerpoolPolicy(unknown, 1, 1),
      )
        .to.be.revertedWithCustomError(f.workerpoolRegistry, "RegistryAssetUnknown")
        .withArgs(unknown);
    });

    it("reverts with WorkerpoolRatioInvalid for a ratio above 100", async () => {
      const f = await networkHelpers.loadFixture(registriesFixture);
      const pool = await createPool(f);
      const registry = f.workerpoolRegistry.connect(f.actors.poolOwner);
      await expect(registry.setWorkerpoolPolicy(pool, 101, 0))
        .to.be.revertedWithCustomError(f.workerpoolRegistry, "WorkerpoolRatioInvalid")
        .withArgs(101);
      await expect(registry.setWorkerpoolPolicy(pool, 0, 101))
        .to.be.revertedWithCustomError(f.workerpoolRegistry, "WorkerpoolRatioInvalid")
        .withArgs(101);
      const info = await f.workerpoolRegistry.workerpoolInfo(pool);
      expect([info[2], info[3]]).to.deep.equal([30n, 20n]);
    });
  });

  describe("setScheduler", () => {
    it("delegates scheduling to a hot key and back to the owner", async () => {
      const f = await networkHelpers.loadFixture(registriesFixture);
      const pool = await createPool(f);
      const key = f.actors.stranger.address;
      const registry = f.workerpoolRegistry.connect(f.actors.poolOwner);
      await expect(registry.setScheduler(pool, key))
        .to.emit(f.workerpoolRegistry, "WorkerpoolSchedulerUpdated")
        .withArgs(pool, key);
      expect((await f.workerpoolRegistry.workerpoolInfo(pool))[1]).to.equal(key);
      await registry.setScheduler(pool, ZeroAddress);
      expect((await f.workerpoolRegistry.workerpoolInfo(pool))[1]).to.equal(
        f.actors.poolOwner.address,
      );
    });

    it("reverts with RegistryNotOwner for anyone but the owner", async () => {
      const f = await networkHelpers.loadFixture(registriesFixture);
      const pool = await createPool(f);
      await expect(
        f.workerpoolRegistry
          .connect(f.actors.stranger)
          .setScheduler(pool, f.actors.stranger.address),
      )
        .to.be.revertedWithCustomError(f.workerpoolRegistry, "RegistryNotOwner")
        .withArgs(pool, f.actors.stranger.address);
    });

    it("reverts with RegistryAssetUnknown for an unregistered pool", async () => {
      const f = await networkHelpers.loadFixture(registriesFixture);
      const unknown = ethers.Wallet.createRandom().address;
      await expect(f.workerpoolRegistry.connect(f.actors.poolOwner).setScheduler(unknown, unknown))
        .to.be.revertedWithCustomError(f.workerpoolRegistry, "RegistryAssetUnknown")
        .withArgs(unknown);
    });
  });

  describe("transferFrom", () => {
    it("clears the delegated scheduler so the new owner does not inherit the old key", async () => {
      const f = await networkHelpers.loadFixture(registriesFixture);
      const { poolOwner, stranger, worker1 } = f.actors;
      const pool = await createPool(f, worker1.address);
      await expect(
        f.workerpoolRegistry
          .connect(poolOwner)
          .transferFrom(poolOwner.address, stranger.address, BigInt(pool)),
      )
        .to.emit(f.workerpoolRegistry, "WorkerpoolSchedulerUpdated")
        .withArgs(pool, ZeroAddress);
      expect(await f.workerpoolRegistry.workerpoolInfo(pool)).to.deep.equal([
        stranger.address,
        stranger.address,
        30n,
        20n,
      ]);
    });

    it("emits no scheduler event when none was delegated", async () => {
      const f = await networkHelpers.loadFixture(registriesFixture);
      const { poolOwner, stranger } = f.actors;
      const pool = await createPool(f);
      await expect(
        f.workerpoolRegistry
          .connect(poolOwner)
          .transferFrom(poolOwner.address, stranger.address, BigInt(pool)),
      ).not.to.emit(f.workerpoolRegistry, "WorkerpoolSchedulerUpdated");
    });
  });
});
