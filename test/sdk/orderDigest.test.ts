import { expect } from "chai";
import { MaxUint256, Wallet, ZeroAddress } from "ethers";
import {
  NO_TAG,
  OrderKind,
  TEE_TAG,
  encodeTag,
  orderHash,
  randomSalt,
} from "../../src/core/index.js";
import type { OrderByKind } from "../../src/core/index.js";
import { hashOrder } from "../../src/sdk/index.js";
import { deployFixture, networkHelpers } from "../helpers/fixture.js";
import { clientFor } from "./helpers.js";

const A = Wallet.createRandom().address;
const B = Wallet.createRandom().address;
const C = Wallet.createRandom().address;

/** Orders of every kind with plain, extreme and awkward values. */
function samples(): Array<{ [K in OrderKind]: [K, OrderByKind[K]] }[OrderKind]> {
  const base = { volume: 1n, expiry: 1_900_000_000n, signature: "0x" };
  return [
    [
      OrderKind.App,
      {
        ...base,
        app: A,
        price: 0n,
        tag: NO_TAG,
        datasetRestrict: ZeroAddress,
        workerpoolRestrict: ZeroAddress,
        requesterRestrict: ZeroAddress,
        salt: randomSalt(),
      },
    ],
    [
      OrderKind.App,
      {
        ...base,
        app: A,
        price: MaxUint256,
        volume: MaxUint256,
        tag: encodeTag(["tee", "gpu"]),
        datasetRestrict: B,
        workerpoolRestrict: C,
        requesterRestrict: A,
        expiry: MaxUint256,
        salt: randomSalt(),
      },
    ],
    [
      OrderKind.Dataset,
      {
        ...base,
        dataset: B,
        price: 10n ** 18n,
        tag: TEE_TAG,
        appRestrict: A,
        workerpoolRestrict: ZeroAddress,
        requesterRestrict: C,
        salt: randomSalt(),
      },
    ],
    [
      OrderKind.Workerpool,
      {
        ...base,
        workerpool: C,
        price: 5n,
        tag: TEE_TAG,
        category: 4n,
        trust: 3n,
        appRestrict: A,
        datasetRestrict: B,
        requesterRestrict: ZeroAddress,
        salt: randomSalt(),
      },
    ],
    [
      OrderKind.Request,
      {
        ...base,
        app: A,
        appMaxPrice: 3n,
        dataset: B,
        datasetMaxPrice: 2n,
        workerpool: ZeroAddress,
        workerpoolMaxPrice: 5n,
        requester: C,
        tag: TEE_TAG,
        category: 0n,
        trust: 1n,
        beneficiary: C,
        callback: ZeroAddress,
        params: '{"args":"--threshold 3"}',
        salt: randomSalt(),
      },
    ],
    [
      OrderKind.Request,
      {
        ...base,
        app: A,
        appMaxPrice: MaxUint256,
        dataset: ZeroAddress,
        datasetMaxPrice: 0n,
        workerpool: B,
        workerpoolMaxPrice: 1n,
        requester: C,
        tag: NO_TAG,
        category: 2n,
        trust: 5n,
        beneficiary: A,
        callback: B,
        params: "",
        salt: randomSalt(),
      },
    ],
    [
      OrderKind.Request,
      {
        ...base,
        app: A,
        appMaxPrice: 1n,
        dataset: ZeroAddress,
        datasetMaxPrice: 0n,
        workerpool: ZeroAddress,
        workerpoolMaxPrice: 1n,
        requester: C,
        tag: NO_TAG,
        category: 0n,
        trust: 1n,
        beneficiary: C,
        callback: ZeroAddress,
        params: '{"args":"héllo → 世界 \\"quoted\\""}',
        salt: randomSalt(),
      },
    ],
  ];
}

describe("sdk/orders", () => {
  describe("hashOrder", () => {
    it("computes the same EIP-712 digest as the contract for every order kind", async () => {
      const f = await networkHelpers.loadFixture(deployFixture);
      const client = await clientFor(f);
      const kinds = new Set<OrderKind>();
      for (const [kind, order] of samples()) {
        const local = await hashOrder(client, { kind, order: order as never });
        const onChain = await hashOrder(client, { kind, order: order as never, onChain: true });
        expect(local, `kind ${kind}`).to.equal(onChain);
        expect(local).to.equal(orderHash(client.hubDomain, kind, order as never));
        kinds.add(kind);
      }
      expect([...kinds].sort()).to.deep.equal([0, 1, 2, 3]);
    });

    it("changes when any signed field changes, but not with the signature", async () => {
      const f = await networkHelpers.loadFixture(deployFixture);
      const client = await clientFor(f);
      const [, order] = samples()[3] as [OrderKind.Workerpool, OrderByKind[OrderKind.Workerpool]];
      const h = orderHash(client.hubDomain, OrderKind.Workerpool, order);
      expect(
        orderHash(client.hubDomain, OrderKind.Workerpool, { ...order, signature: "0x1234" }),
      ).to.equal(h);
      expect(
        orderHash(client.hubDomain, OrderKind.Workerpool, { ...order, trust: 4n }),
      ).not.to.equal(h);
    });
  });
});
