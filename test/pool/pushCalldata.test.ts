import { expect } from "chai";
import { Wallet, ZeroAddress, hexlify, randomBytes, type Interface } from "ethers";
import type { Deal } from "../../src/core/index.js";
import type { FastResultArgs } from "../../src/scheduler/fastResult.js";
import { PushCalldata } from "../../src/scheduler/pushCalldata.js";
import { TaskManager__factory } from "../../types/index.js";

const address = () => Wallet.createRandom().address;
const hex = (n: number) => hexlify(randomBytes(n));
const uint = () => BigInt(hex(8));

function randomDeal(): Deal {
  return {
    app: address(),
    appOwner: address(),
    appPrice: uint(),
    mrenclave: hex(32),
    dataset: ZeroAddress,
    datasetOwner: ZeroAddress,
    datasetPrice: 0n,
    workerpool: address(),
    workerpoolOwner: address(),
    scheduler: address(),
    workerpoolPrice: uint(),
    requester: address(),
    sponsor: address(),
    beneficiary: address(),
    callback: address(),
    paramsHash: hex(32),
    tag: hex(32),
    category: 2n,
    trust: 1n,
    timeRef: 300n,
    botFirst: uint(),
    botSize: 200n,
    startTime: uint(),
    workerpoolStake: uint(),
    workerStake: uint(),
    schedulerRewardRatio: 20n,
    grantKey: hex(32),
  };
}

function randomResult(i: number): FastResultArgs {
  return {
    index: BigInt(i),
    worker: address(),
    resultDigest: hex(32),
    receiptHash: hex(32),
    enclave: address(),
    enclaveSignature: hex(65),
    attestation: hex(65 + (i % 3)),
    results: hex(40 + i),
    callbackData: i % 2 ? hex(32 * (i % 4)) : "0x",
  };
}

describe("Scheduler: pushResult(s) calldata with each deal encoded once", () => {
  const iface = TaskManager__factory.createInterface() as unknown as Interface;
  const calldata = new PushCalldata(iface);

  it("is byte for byte what ethers encodes, for single results, batches and several deals", () => {
    for (let d = 0; d < 4; d++) {
      const dealId = hex(32);
      const deal = randomDeal();
      for (let i = 0; i < 5; i++) {
        const r = randomResult(i);
        const authorization = i === 4 ? hex(65) : "0x";
        expect(calldata.pushResult(dealId, deal, r, authorization)).to.equal(
          iface.encodeFunctionData("pushResult", [dealId, deal, r, authorization]),
        );
      }
      for (const n of [1, 3, 50]) {
        const rs = Array.from({ length: n }, (_, i) => randomResult(i));
        expect(calldata.pushResults(dealId, deal, rs)).to.equal(
          iface.encodeFunctionData("pushResults", [dealId, deal, rs]),
        );
      }
    }
  });

  it("never reuses a cached deal for an altered one under the same id", () => {
    const dealId = hex(32);
    const deal = randomDeal();
    const r = randomResult(1);
    calldata.pushResult(dealId, deal, r);
    const altered = { ...deal, workerpoolPrice: deal.workerpoolPrice + 1n };
    expect(calldata.pushResult(dealId, altered, r)).to.equal(
      iface.encodeFunctionData("pushResult", [dealId, altered, r, "0x"]),
    );
  });

  it("refuses what ethers refuses (a malformed address)", () => {
    const bad = { ...randomResult(1), worker: "0x1234" };
    expect(() => calldata.pushResult(hex(32), randomDeal(), bad)).to.throw(/invalid address/);
  });
});
