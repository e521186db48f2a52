import { expect } from "chai";
import { Wallet, ZeroAddress } from "ethers";
import {
  OrderKind,
  TEE_TAG,
  orderDocumentFromJson,
  orderDocumentToJson,
  orderFromJson,
  orderToJson,
  randomSalt,
} from "../../src/core/index.js";
import type { RequestOrder } from "../../src/core/index.js";

const request: RequestOrder = {
  app: Wallet.createRandom().address,
  appMaxPrice: 2n ** 200n,
  dataset: ZeroAddress,
  datasetMaxPrice: 0n,
  workerpool: ZeroAddress,
  workerpoolMaxPrice: 5n,
  requester: Wallet.createRandom().address,
  volume: 3n,
  tag: TEE_TAG,
  category: 1n,
  trust: 1n,
  beneficiary: Wallet.createRandom().address,
  callback: ZeroAddress,
  params: '{"args":"x"}',
  expiry: 1_900_000_000n,
  salt: randomSalt(),
  signature: "0x" + "ab".repeat(65),
};

describe("core/orderJson", () => {
  it("round-trips an order through JSON with bigints as decimal strings", () => {
    const json = orderToJson(OrderKind.Request, request);
    expect(json.appMaxPrice).to.equal((2n ** 200n).toString());
    const back = orderFromJson(OrderKind.Request, JSON.parse(JSON.stringify(json)));
    expect(back).to.deep.equal(request);
  });

  it("round-trips an order document and checksums addresses", () => {
    const doc = { kind: OrderKind.Request, order: { ...request, app: request.app.toLowerCase() } };
    const back = orderDocumentFromJson(JSON.parse(JSON.stringify(orderDocumentToJson(doc))));
    expect(back.kind).to.equal(OrderKind.Request);
    expect((back.order as RequestOrder).app).to.equal(request.app);
  });

  it("names the first invalid field", () => {
    const json = orderToJson(OrderKind.Request, request);
    expect(() => orderFromJson(OrderKind.Request, { ...json, volume: "-1" })).to.throw(/"volume"/);
    expect(() => orderFromJson(OrderKind.Request, { ...json, app: "0x12" })).to.throw(/"app"/);
    expect(() => orderFromJson(OrderKind.Request, { ...json, salt: "0x12" })).to.throw(/"salt"/);
    expect(() =>
      orderFromJson(OrderKind.Request, { ...json, appMaxPrice: "1".repeat(80) }),
    ).to.throw(/"appMaxPrice"/);
    expect(() => orderDocumentFromJson({ kind: "nope", order: json })).to.throw(
      /Unknown order kind/,
    );
    expect(() => orderDocumentFromJson([])).to.throw(/JSON object/);
  });
});
