import { expect } from "chai";
import type { Signer } from "ethers";
import type { PolisFixture } from "./fixture.js";
import { escrowState } from "./escrow.js";
import { matchArgs, orderHashes, type OrderSet } from "./market.js";

/** Revert data of a call, or throws if it did not revert. */
export async function revertDataOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (e) {
    const data = (e as { data?: string }).data;
    if (typeof data === "string") return data;
    throw e;
  }
  throw new Error("call did not revert");
}

export interface RefusalOptions {
  /** Who sends the transaction (default: the requester). */
  sender?: Signer;
  /** Use sponsorMatchOrders (the sender pays). */
  sponsored?: boolean;
}

/**
 * Asserts that matching `set` is refused with `error(args)`: the transaction reverts with it,
 * `estimateMatch` reports exactly the same bytes, and no consumed counter, balance, kitty or
 * token holding changed.
 */
export async function expectMatchRefused(
  f: PolisFixture,
  set: OrderSet,
  error: string,
  args: readonly unknown[],
  opts: RefusalOptions = {},
): Promise<void> {
  const sender = opts.sender ?? f.actors.requester;
  const senderAddress = await sender.getAddress();
  const sponsor = opts.sponsored ? senderAddress : set.requestOrder.requester;
  const expected = f.hub.interface.encodeErrorResult(error, args);
  const estimate = await f.hub.estimateMatch(...matchArgs(set), sponsor);
  expect(estimate.failure, "estimateMatch failure").to.equal(expected);

  const hashes = Object.values(orderHashes(f, set));
  const consumedBefore = await Promise.all(hashes.map((h) => f.hub.consumed(h)));
  const accounts = [
    senderAddress,
    set.requestOrder.requester,
    ...Object.values(f.actors).map((a) => a.address),
  ];
  const stateBefore = await escrowState(f, accounts);

  const hub = f.hub.connect(sender);
  const send = () =>
    opts.sponsored ? hub.sponsorMatchOrders(...matchArgs(set)) : hub.matchOrders(...matchArgs(set));
  await expect(send())
    .to.be.revertedWithCustomError(f.hub, error)
    .withArgs(...args);
  const staticCall = opts.sponsored
    ? hub.sponsorMatchOrders.staticCall(...matchArgs(set))
    : hub.matchOrders.staticCall(...matchArgs(set));
  expect(await revertDataOf(staticCall), "revert data").to.equal(expected);

  expect(await Promise.all(hashes.map((h) => f.hub.consumed(h)))).to.deep.equal(consumedBefore);
  expect(await escrowState(f, accounts)).to.deep.equal(stateBefore);
}
