import { expect } from "chai";
import { OrderKind } from "../../src/core/index.js";
import { deployFixture, ethers, networkHelpers } from "../helpers/fixture.js";
import { buildOrders, createAssets } from "../helpers/market.js";
import { bookSnapshot, publish, startMarket } from "./helpers.js";

/** Init code of a wallet whose isValidSignature always answers the ERC-1271 magic value. */
const ALWAYS_VALID = "0x6010600c60003960106000f3" + "631626ba7e60e01b60005260206000f3";
/** Init code of a wallet whose isValidSignature always answers zero. */
const ALWAYS_INVALID = "0x6005600c60003960056000f3" + "60206000f3";

async function deployWallet(initCode: string): Promise<string> {
  const [deployer] = await ethers.getSigners();
  const receipt = await (await deployer.sendTransaction({ data: initCode })).wait();
  return receipt!.contractAddress!;
}

describe("market with contract owners (ERC-1271)", () => {
  it("accepts an order of a contract-owned asset when the wallet approves the signature, refuses it otherwise", async () => {
    const f = await networkHelpers.loadFixture(deployFixture);
    const assets = await createAssets(f);
    const market = await startMarket(f);
    try {
      const good = await deployWallet(ALWAYS_VALID);
      const bad = await deployWallet(ALWAYS_INVALID);
      const { appOwner, datasetOwner } = f.actors;
      await (
        await f.appRegistry
          .connect(appOwner)
          .transferFrom(appOwner.address, good, BigInt(assets.app))
      ).wait();
      await (
        await f.datasetRegistry
          .connect(datasetOwner)
          .transferFrom(datasetOwner.address, bad, BigInt(assets.dataset))
      ).wait();
      const { appOrder, datasetOrder } = await buildOrders(f, assets);
      const accepted = await publish(market, OrderKind.App, { ...appOrder, signature: "0x1234" });
      expect(accepted.status, JSON.stringify(accepted.body)).to.equal(201);
      expect(market.store.get(accepted.body.orderHash)!.signer).to.equal(good.toLowerCase());
      const before = bookSnapshot(market);
      const refused = await publish(market, OrderKind.Dataset, {
        ...datasetOrder,
        signature: "0x1234",
      });
      expect(refused.status).to.equal(403);
      expect(refused.body.error.name).to.equal("OrderSignatureInvalid");
      expect(refused.body.error.message).to.contain("ERC-1271");
      expect(bookSnapshot(market)).to.deep.equal(before);
    } finally {
      await market.stop();
    }
  });
});
