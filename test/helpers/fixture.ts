import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { deployPolis } from "../../src/sdk/deploy/deployPolis.js";
import type { PolisContracts } from "../../src/sdk/deploy/deployPolis.js";
import { hubDomain, taskDomain } from "../../src/core/index.js";
import type { TypedDataDomain } from "ethers";

export const { ethers, networkHelpers } = await network.create();

export const ONE = 10n ** 18n;

export interface Actors {
  governance: HardhatEthersSigner;
  appOwner: HardhatEthersSigner;
  datasetOwner: HardhatEthersSigner;
  poolOwner: HardhatEthersSigner;
  requester: HardhatEthersSigner;
  worker1: HardhatEthersSigner;
  worker2: HardhatEthersSigner;
  worker3: HardhatEthersSigner;
  stranger: HardhatEthersSigner;
}

export interface PolisFixture extends PolisContracts {
  actors: Actors;
  chainId: bigint;
  hubDomain: TypedDataDomain;
  taskDomain: TypedDataDomain;
  /** SMS signing key registered as attestation verifier. */
  verifier: import("ethers").Wallet;
}

/** Deploys Polis with default categories and one registered attestation verifier. */
export async function deployFixture(): Promise<PolisFixture> {
  const signers = await ethers.getSigners();
  const [
    governance,
    appOwner,
    datasetOwner,
    poolOwner,
    requester,
    worker1,
    worker2,
    worker3,
    stranger,
  ] = signers;
  const verifier = new ethers.Wallet(ethers.id("polis test verifier"), ethers.provider);
  const { contracts } = await deployPolis(governance, {
    faucetLimit: 10n ** 30n,
    attestationVerifiers: [verifier.address],
  });
  const chainId = (await ethers.provider.getNetwork()).chainId;
  return {
    ...contracts,
    actors: {
      governance,
      appOwner,
      datasetOwner,
      poolOwner,
      requester,
      worker1,
      worker2,
      worker3,
      stranger,
    },
    chainId,
    hubDomain: hubDomain(chainId, await contracts.hub.getAddress()),
    taskDomain: taskDomain(chainId, await contracts.taskManager.getAddress()),
    verifier,
  };
}

/** Mints `amount` from the faucet to `who` and deposits it into the escrow. */
export async function fund(
  f: PolisContracts,
  who: HardhatEthersSigner,
  amount: bigint,
): Promise<void> {
  await (await f.token.faucet(who.address, amount)).wait();
  await (await f.token.connect(who).approve(await f.hub.getAddress(), amount)).wait();
  await (await f.hub.connect(who).deposit(amount)).wait();
}
