import { expect } from "chai";
import { createChainReader } from "../../sms/chain/chainReader.js";
import { deployFixture, networkHelpers } from "../helpers/fixture.js";
import { fixtureClient } from "./helpers/harness.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("SMS chain reader: the head", () => {
  it("reuses the head for its TTL, refreshes it in the background up to 2× TTL, then waits", async () => {
    const f = await deployFixture();
    const client = await fixtureClient(f);
    let calls = 0;
    const getBlock = client.provider.getBlock.bind(client.provider);
    client.provider.getBlock = ((tag: string) => {
      calls++;
      return getBlock(tag);
    }) as typeof client.provider.getBlock;
    const chain = createChainReader(client, { blockTtlMs: 200 });

    const first = await chain.head();
    expect(calls).to.equal(1);
    await networkHelpers.mine();
    expect((await chain.head()).number, "within the TTL").to.equal(first.number);
    expect(calls).to.equal(1);

    await sleep(250); // past the TTL, under 2× TTL: the stale head at once, a refresh behind it
    expect((await chain.head()).number).to.equal(first.number);
    expect(calls).to.equal(2);
    await sleep(20);
    expect((await chain.head()).number, "the refreshed head").to.equal(first.number + 1);

    await networkHelpers.mine();
    await sleep(450); // past 2× TTL: the caller waits for the new head
    expect((await chain.head()).number).to.equal(first.number + 2);
    expect(calls).to.equal(3);
  });
});
