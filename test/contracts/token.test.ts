import { expect } from "chai";
import { MaxUint256 } from "ethers";
import { PolisToken__factory } from "../../types/index.js";
import { ONE, deployFixture, ethers, networkHelpers } from "../helpers/fixture.js";

describe("PolisToken", () => {
  describe("constructor", () => {
    it("mints the initial supply to the initial holder", async () => {
      const [deployer, holder] = await ethers.getSigners();
      const token = await new PolisToken__factory(deployer).deploy(holder.address, 7n * ONE, 0n);
      expect(await token.balanceOf(holder.address)).to.equal(7n * ONE);
      expect(await token.totalSupply()).to.equal(7n * ONE);
      expect([await token.name(), await token.symbol(), await token.decimals()]).to.deep.equal([
        "Polis Token",
        "POLIS",
        18n,
      ]);
    });

    it("advertises ERC-1363", async () => {
      const f = await networkHelpers.loadFixture(deployFixture);
      expect(await f.token.supportsInterface("0xb0202a11")).to.equal(true);
    });
  });

  describe("faucet", () => {
    it("mints up to the per-call limit to anyone", async () => {
      const [deployer, to] = await ethers.getSigners();
      const token = await new PolisToken__factory(deployer).deploy(deployer.address, 0n, 5n * ONE);
      await expect(token.connect(to).faucet(to.address, 5n * ONE)).to.changeTokenBalance(
        ethers,
        token,
        to,
        5n * ONE,
      );
      expect(await token.faucetLimit()).to.equal(5n * ONE);
    });

    it("reverts with TokenFaucetLimitExceeded above the per-call limit", async () => {
      const [deployer, to] = await ethers.getSigners();
      const token = await new PolisToken__factory(deployer).deploy(deployer.address, 0n, 5n * ONE);
      await expect(token.faucet(to.address, 5n * ONE + 1n))
        .to.be.revertedWithCustomError(token, "TokenFaucetLimitExceeded")
        .withArgs(5n * ONE + 1n, 5n * ONE);
      expect(await token.totalSupply()).to.equal(0n);
    });

    it("reverts with TokenFaucetDisabled when the limit is zero (production)", async () => {
      const [deployer, to] = await ethers.getSigners();
      const token = await new PolisToken__factory(deployer).deploy(deployer.address, ONE, 0n);
      await expect(token.faucet(to.address, 1n)).to.be.revertedWithCustomError(
        token,
        "TokenFaucetDisabled",
      );
      expect(await token.totalSupply()).to.equal(ONE);
    });
  });

  describe("permit", () => {
    it("lets a holder approve the escrow with a signature and deposit", async () => {
      const f = await networkHelpers.loadFixture(deployFixture);
      const owner = f.actors.stranger;
      await f.token.faucet(owner.address, ONE);
      const hub = await f.hub.getAddress();
      const { chainId } = await ethers.provider.getNetwork();
      const signature = ethers.Signature.from(
        await owner.signTypedData(
          {
            name: "Polis Token",
            version: "1",
            chainId,
            verifyingContract: await f.token.getAddress(),
          },
          {
            Permit: [
              { name: "owner", type: "address" },
              { name: "spender", type: "address" },
              { name: "value", type: "uint256" },
              { name: "nonce", type: "uint256" },
              { name: "deadline", type: "uint256" },
            ],
          },
          { owner: owner.address, spender: hub, value: ONE, nonce: 0n, deadline: MaxUint256 },
        ),
      );
      await f.token.permit(
        owner.address,
        hub,
        ONE,
        MaxUint256,
        signature.v,
        signature.r,
        signature.s,
      );
      await f.hub.connect(owner).deposit(ONE);
      expect((await f.hub.accountOf(owner.address))[0]).to.equal(ONE);
    });
  });
});
