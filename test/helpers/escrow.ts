import { expect } from "chai";
import { ethers, type PolisFixture } from "./fixture.js";

/** Free and locked escrow balances of one account. */
export interface Balance {
  stake: bigint;
  locked: bigint;
}

export async function balanceOf(f: PolisFixture, account: string): Promise<Balance> {
  const [stake, locked] = await f.hub.accountOf(account);
  return { stake, locked };
}

/** Balances of several accounts, keyed by address. */
export async function balancesOf(
  f: PolisFixture,
  accounts: readonly string[],
): Promise<Record<string, Balance>> {
  const out: Record<string, Balance> = {};
  for (const a of accounts) out[a] = await balanceOf(f, a);
  return out;
}

/** Everything a refusal must leave untouched: balances of the accounts, the kitty and the tokens
 * the hub holds. */
export async function escrowState(f: PolisFixture, accounts: readonly string[]) {
  return {
    balances: await balancesOf(f, accounts),
    kitty: await f.hub.kitty(),
    held: await f.token.balanceOf(await f.hub.getAddress()),
  };
}

/**
 * Asserts value conservation: the stake and locked balances of every signer (and `extra`
 * accounts, e.g. contracts) plus the kitty equal the tokens the hub holds.
 */
export async function expectConserved(f: PolisFixture, extra: readonly string[] = []) {
  const accounts = new Set<string>([
    ...(await ethers.getSigners()).map((s) => s.address),
    ...extra,
  ]);
  let total = await f.hub.kitty();
  for (const a of accounts) {
    const { stake, locked } = await balanceOf(f, a);
    total += stake + locked;
  }
  expect(total).to.equal(await f.token.balanceOf(await f.hub.getAddress()));
}
