import { expect } from "chai";
import { AbiCoder, ZeroAddress, id } from "ethers";
import {
  EscrowHarness__factory,
  HookToken__factory,
  PolisToken__factory,
  TokenReentrancyAttacker__factory,
} from "../../types/index.js";
import { ONE, deployFixture, ethers, fund, networkHelpers } from "../helpers/fixture.js";
import type { PolisFixture } from "../helpers/fixture.js";
import { balanceOf, expectConserved } from "../helpers/escrow.js";
import { marketFixture } from "../helpers/fixture.js";
import { match, signedOrders } from "../helpers/market.js";

const coder = AbiCoder.defaultAbiCoder();
const TRANSFER_AND_CALL = "transferAndCall(address,uint256,bytes)";
const TRANSFER_AND_CALL_NO_DATA = "transferAndCall(address,uint256)";

enum Kind {
  Lock,
  Unlock,
  Seize,
  Reward,
  FillKitty,
  DrainKittyTo,
}
const REF = id("ref");
const mv = (kind: Kind, account: string, amount: bigint, ref = REF) => ({
  kind,
  account,
  amount,
  ref,
});

/** The escrow alone, its `moveFunds` callable by the `manager` signer. */
async function harnessFixture() {
  const [deployer, manager, alice, bob] = await ethers.getSigners();
  const token = await new PolisToken__factory(deployer).deploy(deployer.address, 0n, 10n ** 30n);
  const escrow = await new EscrowHarness__factory(deployer).deploy(
    await token.getAddress(),
    manager.address,
  );
  for (const who of [alice, bob]) {
    await token.faucet(who.address, 100n * ONE);
    await token.connect(who).approve(await escrow.getAddress(), 100n * ONE);
    await escrow.connect(who).deposit(100n * ONE);
  }
  const asManager = escrow.connect(manager);
  return { token, escrow, asManager, manager, alice, bob };
}

async function hubFixture(): Promise<PolisFixture> {
  const f = await deployFixture();
  await f.token.faucet(f.actors.requester.address, 1_000n * ONE);
  return f;
}

describe("Polis (escrow)", () => {
  describe("deposit", () => {
    it("pulls approved tokens into the caller's free stake", async () => {
      const f = await networkHelpers.loadFixture(hubFixture);
      const { requester } = f.actors;
      await f.token.connect(requester).approve(await f.hub.getAddress(), 10n * ONE);
      const tx = f.hub.connect(requester).deposit(10n * ONE);
      await expect(tx)
        .to.emit(f.hub, "Deposited")
        .withArgs(requester.address, requester.address, 10n * ONE);
      await expect(tx).to.changeTokenBalances(
        ethers,
        f.token,
        [requester, f.hub],
        [-10n * ONE, 10n * ONE],
      );
      expect(await balanceOf(f, requester.address)).to.deep.equal({ stake: 10n * ONE, locked: 0n });
      await expectConserved(f);
    });

    it("reverts with EscrowAmountInvalid for zero", async () => {
      const f = await networkHelpers.loadFixture(hubFixture);
      await expect(f.hub.connect(f.actors.requester).deposit(0n))
        .to.be.revertedWithCustomError(f.hub, "EscrowAmountInvalid")
        .withArgs(0n);
    });

    it("reverts with EscrowAmountInvalid beyond 128 bits", async () => {
      const f = await networkHelpers.loadFixture(hubFixture);
      await expect(f.hub.connect(f.actors.requester).deposit(2n ** 128n))
        .to.be.revertedWithCustomError(f.hub, "EscrowAmountInvalid")
        .withArgs(2n ** 128n);
    });

    it("reverts (and credits nothing) without an allowance", async () => {
      const f = await networkHelpers.loadFixture(hubFixture);
      const { requester } = f.actors;
      await expect(f.hub.connect(requester).deposit(ONE))
        .to.be.revertedWithCustomError(f.token, "ERC20InsufficientAllowance")
        .withArgs(await f.hub.getAddress(), 0n, ONE);
      expect(await balanceOf(f, requester.address)).to.deep.equal({ stake: 0n, locked: 0n });
    });
  });

  describe("depositFor", () => {
    it("credits another account with the caller's tokens", async () => {
      const f = await networkHelpers.loadFixture(hubFixture);
      const { requester, worker1 } = f.actors;
      await f.token.connect(requester).approve(await f.hub.getAddress(), 3n * ONE);
      await expect(f.hub.connect(requester).depositFor(worker1.address, 3n * ONE))
        .to.emit(f.hub, "Deposited")
        .withArgs(worker1.address, requester.address, 3n * ONE);
      expect((await balanceOf(f, worker1.address)).stake).to.equal(3n * ONE);
      expect((await balanceOf(f, requester.address)).stake).to.equal(0n);
    });

    it("reverts with EscrowAccountZero for the zero address", async () => {
      const f = await networkHelpers.loadFixture(hubFixture);
      await f.token.connect(f.actors.requester).approve(await f.hub.getAddress(), ONE);
      await expect(
        f.hub.connect(f.actors.requester).depositFor(ZeroAddress, ONE),
      ).to.be.revertedWithCustomError(f.hub, "EscrowAccountZero");
    });

    it("reverts with EscrowAmountInvalid for zero", async () => {
      const f = await networkHelpers.loadFixture(hubFixture);
      await expect(f.hub.connect(f.actors.requester).depositFor(f.actors.worker1.address, 0n))
        .to.be.revertedWithCustomError(f.hub, "EscrowAmountInvalid")
        .withArgs(0n);
    });
  });

  describe("onTransferReceived (ERC-1363 transferAndCall)", () => {
    it("credits the sender when no data is given, in one transaction", async () => {
      const f = await networkHelpers.loadFixture(hubFixture);
      const { requester } = f.actors;
      const hub = await f.hub.getAddress();
      await expect(f.token.connect(requester)[TRANSFER_AND_CALL_NO_DATA](hub, 4n * ONE))
        .to.emit(f.hub, "Deposited")
        .withArgs(requester.address, requester.address, 4n * ONE);
      expect((await balanceOf(f, requester.address)).stake).to.equal(4n * ONE);
      await expectConserved(f);
    });

    it("credits the beneficiary abi-encoded in the data", async () => {
      const f = await networkHelpers.loadFixture(hubFixture);
      const { requester, worker2 } = f.actors;
      const data = coder.encode(["address"], [worker2.address]);
      await expect(
        f.token.connect(requester)[TRANSFER_AND_CALL](await f.hub.getAddress(), 2n * ONE, data),
      )
        .to.emit(f.hub, "Deposited")
        .withArgs(worker2.address, requester.address, 2n * ONE);
      expect((await balanceOf(f, worker2.address)).stake).to.equal(2n * ONE);
      expect((await balanceOf(f, requester.address)).stake).to.equal(0n);
    });

    it("credits the sender when the data is not exactly one word", async () => {
      const f = await networkHelpers.loadFixture(hubFixture);
      const { requester } = f.actors;
      await f.token.connect(requester)[TRANSFER_AND_CALL](await f.hub.getAddress(), ONE, "0x1234");
      expect((await balanceOf(f, requester.address)).stake).to.equal(ONE);
    });

    it("credits the token owner when an approved operator calls transferFromAndCall", async () => {
      const f = await networkHelpers.loadFixture(hubFixture);
      const { requester, stranger } = f.actors;
      await f.token.connect(requester).approve(stranger.address, ONE);
      await f.token
        .connect(stranger)
        ["transferFromAndCall(address,address,uint256)"](
          requester.address,
          await f.hub.getAddress(),
          ONE,
        );
      expect((await balanceOf(f, requester.address)).stake).to.equal(ONE);
      expect((await balanceOf(f, stranger.address)).stake).to.equal(0n);
    });

    it("reverts with EscrowAccountZero when the data names the zero address", async () => {
      const f = await networkHelpers.loadFixture(hubFixture);
      const data = coder.encode(["address"], [ZeroAddress]);
      await expect(
        f.token.connect(f.actors.requester)[TRANSFER_AND_CALL](await f.hub.getAddress(), ONE, data),
      ).to.be.revertedWithCustomError(f.hub, "EscrowAccountZero");
      expect(await f.token.balanceOf(await f.hub.getAddress())).to.equal(0n);
    });

    it("reverts with EscrowAmountInvalid for a zero transfer", async () => {
      const f = await networkHelpers.loadFixture(hubFixture);
      await expect(
        f.token
          .connect(f.actors.requester)
          [TRANSFER_AND_CALL_NO_DATA](await f.hub.getAddress(), 0n),
      )
        .to.be.revertedWithCustomError(f.hub, "EscrowAmountInvalid")
        .withArgs(0n);
    });

    it("reverts with EscrowWrongToken when another ERC-1363 token calls it", async () => {
      const f = await networkHelpers.loadFixture(hubFixture);
      const { requester } = f.actors;
      const other = await new PolisToken__factory(requester).deploy(requester.address, ONE, 0n);
      await expect(other[TRANSFER_AND_CALL_NO_DATA](await f.hub.getAddress(), ONE))
        .to.be.revertedWithCustomError(f.hub, "EscrowWrongToken")
        .withArgs(await other.getAddress());
      expect((await balanceOf(f, requester.address)).stake).to.equal(0n);
    });

    it("reverts with EscrowWrongToken when called directly to fake a deposit", async () => {
      const f = await networkHelpers.loadFixture(hubFixture);
      const { stranger } = f.actors;
      await expect(
        f.hub.connect(stranger).onTransferReceived(stranger.address, stranger.address, ONE, "0x"),
      )
        .to.be.revertedWithCustomError(f.hub, "EscrowWrongToken")
        .withArgs(stranger.address);
      expect((await balanceOf(f, stranger.address)).stake).to.equal(0n);
    });
  });

  describe("withdraw", () => {
    it("sends free stake back as tokens", async () => {
      const f = await networkHelpers.loadFixture(hubFixture);
      const { requester } = f.actors;
      await fund(f, requester, 10n * ONE);
      const tx = f.hub.connect(requester).withdraw(4n * ONE);
      await expect(tx)
        .to.emit(f.hub, "Withdrawn")
        .withArgs(requester.address, requester.address, 4n * ONE);
      await expect(tx).to.changeTokenBalances(
        ethers,
        f.token,
        [requester, f.hub],
        [4n * ONE, -4n * ONE],
      );
      expect((await balanceOf(f, requester.address)).stake).to.equal(6n * ONE);
      await expectConserved(f);
    });

    it("withdraws the whole stake down to zero", async () => {
      const f = await networkHelpers.loadFixture(hubFixture);
      const { requester } = f.actors;
      await fund(f, requester, 10n * ONE);
      await f.hub.connect(requester).withdraw(10n * ONE);
      expect(await balanceOf(f, requester.address)).to.deep.equal({ stake: 0n, locked: 0n });
    });

    it("reverts with EscrowInsufficientBalance beyond the free stake", async () => {
      const f = await networkHelpers.loadFixture(hubFixture);
      const { requester } = f.actors;
      await fund(f, requester, 10n * ONE);
      await expect(f.hub.connect(requester).withdraw(10n * ONE + 1n))
        .to.be.revertedWithCustomError(f.hub, "EscrowInsufficientBalance")
        .withArgs(requester.address, 10n * ONE, 10n * ONE + 1n);
      expect((await balanceOf(f, requester.address)).stake).to.equal(10n * ONE);
    });

    it("reverts with EscrowAmountInvalid for zero", async () => {
      const f = await networkHelpers.loadFixture(hubFixture);
      await expect(f.hub.connect(f.actors.requester).withdraw(0n))
        .to.be.revertedWithCustomError(f.hub, "EscrowAmountInvalid")
        .withArgs(0n);
    });

    it("reverts with EscrowInsufficientBalance when the stake is locked in a deal", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const { requester } = f.actors;
      await match(f, await signedOrders(f, f.assets, { volume: 10n }));
      const cost = 10n * 10n * ONE;
      const { stake, locked } = await balanceOf(f, requester.address);
      expect(locked).to.equal(cost);
      await expect(f.hub.connect(requester).withdraw(stake + 1n))
        .to.be.revertedWithCustomError(f.hub, "EscrowInsufficientBalance")
        .withArgs(requester.address, stake, stake + 1n);
      expect(await balanceOf(f, requester.address)).to.deep.equal({ stake, locked });
    });
  });

  describe("withdrawTo", () => {
    it("sends free stake to another address", async () => {
      const f = await networkHelpers.loadFixture(hubFixture);
      const { requester, stranger } = f.actors;
      await fund(f, requester, 10n * ONE);
      const tx = f.hub.connect(requester).withdrawTo(stranger.address, 3n * ONE);
      await expect(tx)
        .to.emit(f.hub, "Withdrawn")
        .withArgs(requester.address, stranger.address, 3n * ONE);
      await expect(tx).to.changeTokenBalance(ethers, f.token, stranger, 3n * ONE);
      expect((await balanceOf(f, requester.address)).stake).to.equal(7n * ONE);
    });

    it("reverts with EscrowAccountZero for the zero address", async () => {
      const f = await networkHelpers.loadFixture(hubFixture);
      await fund(f, f.actors.requester, ONE);
      await expect(
        f.hub.connect(f.actors.requester).withdrawTo(ZeroAddress, ONE),
      ).to.be.revertedWithCustomError(f.hub, "EscrowAccountZero");
    });

    it("reverts with EscrowInsufficientBalance beyond the free stake", async () => {
      const f = await networkHelpers.loadFixture(hubFixture);
      const { requester, stranger } = f.actors;
      await expect(f.hub.connect(requester).withdrawTo(stranger.address, 1n))
        .to.be.revertedWithCustomError(f.hub, "EscrowInsufficientBalance")
        .withArgs(requester.address, 0n, 1n);
    });
  });

  describe("moveFunds", () => {
    it("reverts with EscrowUnauthorized for anyone but the task manager", async () => {
      const f = await networkHelpers.loadFixture(marketFixture);
      const { requester, stranger, governance } = f.actors;
      await match(f, await signedOrders(f, f.assets));
      const before = await balanceOf(f, requester.address);
      const steal = [
        mv(Kind.Seize, requester.address, before.locked),
        mv(Kind.Reward, stranger.address, before.locked),
      ];
      for (const caller of [stranger, governance, requester]) {
        await expect(f.hub.connect(caller).moveFunds(steal))
          .to.be.revertedWithCustomError(f.hub, "EscrowUnauthorized")
          .withArgs(caller.address);
      }
      expect(await balanceOf(f, requester.address)).to.deep.equal(before);
      expect((await balanceOf(f, stranger.address)).stake).to.equal(0n);
    });

    it("applies a balanced batch and emits every movement with its ref", async () => {
      const { escrow, asManager, alice, bob } = await networkHelpers.loadFixture(harnessFixture);
      const tx = asManager.moveFunds([
        mv(Kind.Lock, alice.address, 10n * ONE),
        mv(Kind.Unlock, alice.address, 2n * ONE),
        mv(Kind.Seize, alice.address, 8n * ONE),
        mv(Kind.Reward, bob.address, 5n * ONE),
        mv(Kind.FillKitty, ZeroAddress, 3n * ONE),
      ]);
      await expect(tx)
        .to.emit(escrow, "Locked")
        .withArgs(alice.address, 10n * ONE, REF);
      await expect(tx)
        .to.emit(escrow, "Unlocked")
        .withArgs(alice.address, 2n * ONE, REF);
      await expect(tx)
        .to.emit(escrow, "Seized")
        .withArgs(alice.address, 8n * ONE, REF);
      await expect(tx)
        .to.emit(escrow, "Rewarded")
        .withArgs(bob.address, 5n * ONE, REF);
      await expect(tx)
        .to.emit(escrow, "KittyFilled")
        .withArgs(3n * ONE, REF);
      expect(await escrow.accountOf(alice.address)).to.deep.equal([92n * ONE, 0n]);
      expect(await escrow.accountOf(bob.address)).to.deep.equal([105n * ONE, 0n]);
      expect(await escrow.kitty()).to.equal(3n * ONE);
    });

    it("skips zero amounts without events", async () => {
      const { escrow, asManager, alice } = await networkHelpers.loadFixture(harnessFixture);
      const tx = asManager.moveFunds([
        mv(Kind.Lock, alice.address, 0n),
        mv(Kind.Unlock, alice.address, 0n),
        mv(Kind.Seize, alice.address, 0n),
        mv(Kind.Reward, alice.address, 0n),
        mv(Kind.FillKitty, ZeroAddress, 0n),
        mv(Kind.DrainKittyTo, alice.address, 0n),
      ]);
      for (const event of [
        "Locked",
        "Unlocked",
        "Seized",
        "Rewarded",
        "KittyFilled",
        "KittyDrained",
      ]) {
        await expect(tx).not.to.emit(escrow, event);
      }
      expect(await escrow.accountOf(alice.address)).to.deep.equal([100n * ONE, 0n]);
    });

    for (const [kitty, share, label] of [
      [100n * ONE, 10n * ONE, "10% of a large kitty"],
      [5n * ONE, ONE, "at least one token"],
      [ONE / 2n, ONE / 2n, "all of a kitty below one token"],
    ] as const) {
      it(`drains ${label} to the given account`, async () => {
        const { escrow, asManager, alice, bob } = await networkHelpers.loadFixture(harnessFixture);
        await asManager.moveFunds([
          mv(Kind.Lock, alice.address, kitty),
          mv(Kind.Seize, alice.address, kitty),
          mv(Kind.FillKitty, ZeroAddress, kitty),
        ]);
        const drain = asManager.moveFunds([mv(Kind.DrainKittyTo, bob.address, 0n, id("task"))]);
        await expect(drain).to.emit(escrow, "KittyDrained").withArgs(share, id("task"));
        await expect(drain).to.emit(escrow, "Rewarded").withArgs(bob.address, share, id("task"));
        expect(await escrow.kitty()).to.equal(kitty - share);
        expect((await escrow.accountOf(bob.address))[0]).to.equal(100n * ONE + share);
      });
    }

    it("reverts with EscrowInsufficientBalance when a lock exceeds the free stake", async () => {
      const { escrow, asManager, alice } = await networkHelpers.loadFixture(harnessFixture);
      await expect(asManager.moveFunds([mv(Kind.Lock, alice.address, 100n * ONE + 1n)]))
        .to.be.revertedWithCustomError(escrow, "EscrowInsufficientBalance")
        .withArgs(alice.address, 100n * ONE, 100n * ONE + 1n);
    });

    it("reverts with EscrowInsufficientLocked when an unlock exceeds the locked balance", async () => {
      const { escrow, asManager, alice } = await networkHelpers.loadFixture(harnessFixture);
      await expect(
        asManager.moveFunds([
          mv(Kind.Lock, alice.address, ONE),
          mv(Kind.Unlock, alice.address, 2n * ONE),
        ]),
      )
        .to.be.revertedWithCustomError(escrow, "EscrowInsufficientLocked")
        .withArgs(alice.address, ONE, 2n * ONE);
    });

    it("reverts with EscrowInsufficientLocked when a seize exceeds the locked balance", async () => {
      const { escrow, asManager, alice, bob } = await networkHelpers.loadFixture(harnessFixture);
      await expect(
        asManager.moveFunds([
          mv(Kind.Seize, alice.address, ONE),
          mv(Kind.Reward, bob.address, ONE),
        ]),
      )
        .to.be.revertedWithCustomError(escrow, "EscrowInsufficientLocked")
        .withArgs(alice.address, 0n, ONE);
    });

    it("reverts with EscrowNotConserved when a reward is not covered by seized value", async () => {
      const { escrow, asManager, alice, bob } = await networkHelpers.loadFixture(harnessFixture);
      await expect(asManager.moveFunds([mv(Kind.Reward, bob.address, ONE)]))
        .to.be.revertedWithCustomError(escrow, "EscrowNotConserved")
        .withArgs(0n, ONE);
      await expect(
        asManager.moveFunds([
          mv(Kind.Lock, alice.address, ONE),
          mv(Kind.Seize, alice.address, ONE),
          mv(Kind.Reward, bob.address, ONE + 1n),
        ]),
      )
        .to.be.revertedWithCustomError(escrow, "EscrowNotConserved")
        .withArgs(ONE, ONE + 1n);
    });

    it("reverts with EscrowNotConserved when the kitty is filled from nothing", async () => {
      const { escrow, asManager } = await networkHelpers.loadFixture(harnessFixture);
      await expect(asManager.moveFunds([mv(Kind.FillKitty, ZeroAddress, ONE)]))
        .to.be.revertedWithCustomError(escrow, "EscrowNotConserved")
        .withArgs(0n, ONE);
      expect(await escrow.kitty()).to.equal(0n);
    });

    it("reverts with EscrowNotConserved when seized value is left over", async () => {
      const { escrow, asManager, alice, bob } = await networkHelpers.loadFixture(harnessFixture);
      await expect(
        asManager.moveFunds([
          mv(Kind.Lock, alice.address, 3n * ONE),
          mv(Kind.Seize, alice.address, 3n * ONE),
          mv(Kind.Reward, bob.address, ONE),
        ]),
      )
        .to.be.revertedWithCustomError(escrow, "EscrowNotConserved")
        .withArgs(2n * ONE, 0n);
      expect(await escrow.accountOf(alice.address)).to.deep.equal([100n * ONE, 0n]);
    });
  });

  describe("reentrancy through the token", () => {
    async function hookedHubFixture() {
      const [deployer] = await ethers.getSigners();
      const token = await new HookToken__factory(deployer).deploy();
      const f = await deployFixture();
      const { Polis__factory } = await import("../../types/index.js");
      const hub = await new Polis__factory(deployer).deploy(
        deployer.address,
        await token.getAddress(),
        await f.appRegistry.getAddress(),
        await f.datasetRegistry.getAddress(),
        await f.workerpoolRegistry.getAddress(),
      );
      const attacker = await new TokenReentrancyAttacker__factory(deployer).deploy(
        await hub.getAddress(),
      );
      await token.mint(await attacker.getAddress(), 10n * ONE);
      await attacker.run(
        await token.getAddress(),
        token.interface.encodeFunctionData("approve", [await hub.getAddress(), 10n * ONE]),
        "0x",
      );
      await attacker.run(
        await hub.getAddress(),
        hub.interface.encodeFunctionData("deposit", [4n * ONE]),
        "0x",
      );
      await attacker.run(
        await token.getAddress(),
        token.interface.encodeFunctionData("setHooked", [true]),
        "0x",
      );
      return { token, hub, attacker };
    }

    it("blocks a withdraw re-entered from the token's receive hook", async () => {
      const { token, hub, attacker } = await networkHelpers.loadFixture(hookedHubFixture);
      const a = await attacker.getAddress();
      const withdraw = hub.interface.encodeFunctionData("withdraw", [4n * ONE]);
      await expect(
        attacker.run(await hub.getAddress(), withdraw, withdraw),
      ).to.be.revertedWithCustomError(hub, "ReentrancyGuardReentrantCall");
      expect(await hub.accountOf(a)).to.deep.equal([4n * ONE, 0n]);
      expect(await token.balanceOf(await hub.getAddress())).to.equal(4n * ONE);
      expect(await token.balanceOf(a)).to.equal(6n * ONE);
    });

    it("blocks withdrawing a deposit credited before its tokens arrived", async () => {
      const { token, hub, attacker } = await networkHelpers.loadFixture(hookedHubFixture);
      const a = await attacker.getAddress();
      const deposit = hub.interface.encodeFunctionData("deposit", [6n * ONE]);
      const withdraw = hub.interface.encodeFunctionData("withdraw", [10n * ONE]);
      await expect(
        attacker.run(await hub.getAddress(), deposit, withdraw),
      ).to.be.revertedWithCustomError(hub, "ReentrancyGuardReentrantCall");
      expect(await hub.accountOf(a)).to.deep.equal([4n * ONE, 0n]);
      expect(await token.balanceOf(await hub.getAddress())).to.equal(4n * ONE);
    });

    it("still lets a hooked account withdraw normally", async () => {
      const { token, hub, attacker } = await networkHelpers.loadFixture(hookedHubFixture);
      const withdraw = hub.interface.encodeFunctionData("withdraw", [4n * ONE]);
      await attacker.run(await hub.getAddress(), withdraw, "0x");
      expect(await hub.accountOf(await attacker.getAddress())).to.deep.equal([0n, 0n]);
      expect(await token.balanceOf(await hub.getAddress())).to.equal(0n);
    });
  });
});
