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
  return deployOn(ethers);
}

/** Deploys the fixture on any network connection (e.g. a second chain from `network.create`). */
export async function deployOn(connection: typeof ethers): Promise<PolisFixture> {
  const signers = await connection.getSigners();
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
  const verifier = new connection.Wallet(connection.id("polis test verifier"), connection.provider);
  const { contracts } = await deployPolis(governance, {
    faucetLimit: 10n ** 30n,
    attestationVerifiers: [verifier.address],
  });
  const chainId = (await connection.provider.getNetwork()).chainId;
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

/** What the market fixture deposits for each actor. */
export const FUNDING = {
  requester: 1_000n * ONE,
  poolOwner: 1_000n * ONE,
  worker: 100n * ONE,
} as const;

export interface MarketFixture extends PolisFixture {
  assets: import("./market.js").Assets;
}

/**
 * Polis with one app (TEE measurement), one dataset and one pool (stake ratio 30%, scheduler
 * ratio 20%, no delegated scheduler), the requester and pool owner funded with 1,000 tokens and
 * the three workers with 100 each.
 */
export async function marketFixture(): Promise<MarketFixture> {
  return marketOn(await deployFixture());
}

/** Adds the market's assets and funding to a deployed fixture. */
export async function marketOn(f: PolisFixture): Promise<MarketFixture> {
  const { createAssets } = await import("./market.js");
  const assets = await createAssets(f);
  await fund(f, f.actors.requester, FUNDING.requester);
  await fund(f, f.actors.poolOwner, FUNDING.poolOwner);
  for (const w of [f.actors.worker1, f.actors.worker2, f.actors.worker3]) {
    await fund(f, w, FUNDING.worker);
  }
  return { ...f, assets };
}
