import { expect } from "chai";
import { ErrorFragment, ZeroAddress, parseEther } from "ethers";
import type { ParamType } from "ethers";
import { ContractError, ServiceError, UserError } from "../../src/core/errors/index.js";
import { OrderKind, TEE_TAG } from "../../src/core/index.js";
import { withSigner } from "../../src/sdk/client.js";
import {
  buildAppOrder,
  buildRequestOrder,
  buildWorkerpoolOrder,
  connectRpc,
  createApp,
  decodeRevertData,
  estimateMatch,
  matchOrders,
  polisErrorInterface,
  signOrder,
  toPolisError,
  withdraw,
} from "../../src/sdk/index.js";
import { ONE, deployFixture, ethers, fund, networkHelpers } from "../helpers/fixture.js";
import { MRENCLAVE, createAssets } from "../helpers/market.js";
import { clientFor } from "./helpers.js";

function sampleValue(p: ParamType): unknown {
  if (p.baseType === "address") return "0x00000000000000000000000000000000000000AA";
  if (p.baseType === "bytes32") return "0x" + "cd".repeat(32);
  if (p.baseType === "string") return "field";
  if (p.baseType === "bool") return true;
  if (p.baseType === "bytes") return "0x1234";
  if (p.baseType.startsWith("uint") || p.baseType.startsWith("int")) return 2n;
  throw new Error(`no sample for ${p.type}`);
}

describe("sdk/errors", () => {
  describe("decodeRevertData", () => {
    it("decodes every custom error of every Polis ABI by name with named args", () => {
      const iface = polisErrorInterface();
      const names: string[] = [];
      iface.forEachError((fragment: ErrorFragment) => {
        const data = iface.encodeErrorResult(fragment, fragment.inputs.map(sampleValue));
        const err = decodeRevertData(data);
        expect(err, fragment.name).to.be.instanceOf(ContractError);
        expect(err!.errorName).to.equal(fragment.name);
        expect(Object.keys(err!.args)).to.deep.equal(
          fragment.inputs.map((i, n) => i.name || `arg${n}`),
        );
        expect(err!.shortMessage).to.be.a("string").and.not.equal("");
        names.push(fragment.name);
      });
      for (const expected of [
        "EscrowInsufficientBalance",
        "OrderExpired",
        "MatchPriceTooHigh",
        "RegistryAssetExists",
        "TaskFinalDeadlineNotReached",
        "TokenFaucetDisabled",
        "ERC20InsufficientBalance",
        "GrantExhausted",
      ]) {
        expect(names).to.include(expected);
      }
    });

    it("speaks of the caller's own balance with amounts and a hint", () => {
      const iface = polisErrorInterface();
      const me = "0x00000000000000000000000000000000000000AA";
      const data = iface.encodeErrorResult("EscrowInsufficientBalance", [me, 2n * ONE, 10n * ONE]);
      const err = decodeRevertData(data, { sender: me })!;
      expect(err.args).to.deep.equal({ account: me, stake: 2n * ONE, needed: 10n * ONE });
      expect(err.shortMessage).to.equal("Your free balance is 2.0 POLIS but 10.0 is needed.");
      expect(err.hint).to.equal("Deposit with `polis account deposit <amount>`.");
    });

    it("returns undefined for empty or unknown data", () => {
      expect(decodeRevertData("0x")).to.equal(undefined);
      expect(decodeRevertData("0xdeadbeef")).to.equal(undefined);
    });
  });

  describe("estimateMatch", () => {
    async function setUp() {
      const f = await networkHelpers.loadFixture(deployFixture);
      const assets = await createAssets(f);
      const { appOwner, poolOwner, requester } = f.actors;
      await fund(f, poolOwner, 100n * ONE);
      const client = await clientFor(f);
      const sign = async <K extends OrderKind>(signer: typeof appOwner, kind: K, order: unknown) =>
        (await signOrder(withSigner(client, signer), { kind, order: order as never })).order;
      const appOrder = await sign(
        appOwner,
        OrderKind.App,
        await buildAppOrder(client, { app: assets.app, price: 3n * ONE, tag: TEE_TAG }),
      );
      const workerpoolOrder = await sign(
        poolOwner,
        OrderKind.Workerpool,
        await buildWorkerpoolOrder(client, {
          workerpool: assets.workerpool,
          price: 7n * ONE,
          tag: TEE_TAG,
        }),
      );
      const requesterClient = withSigner(client, requester);
      const request = async (appMaxPrice: bigint) =>
        sign(
          requester,
          OrderKind.Request,
          await buildRequestOrder(requesterClient, {
            app: assets.app,
            appMaxPrice,
            workerpoolMaxPrice: 7n * ONE,
            tag: TEE_TAG,
          }),
        );
      return { f, client, requesterClient, appOrder, workerpoolOrder, request };
    }

    it("reports the requester's missing balance as a named error and sends nothing", async () => {
      const { f, requesterClient, appOrder, workerpoolOrder, request } = await setUp();
      const requestOrder = await request(3n * ONE);
      const estimate = await estimateMatch(requesterClient, {
        appOrder,
        workerpoolOrder,
        requestOrder,
      });
      expect(estimate.cost).to.equal(10n * ONE);
      expect(estimate.failure?.errorName).to.equal("EscrowInsufficientBalance");
      expect(estimate.failure?.args).to.include({
        account: f.actors.requester.address,
        stake: 0n,
        needed: 10n * ONE,
      });
      const before = await ethers.provider.getBlockNumber();
      let thrown: unknown;
      try {
        await matchOrders(requesterClient, { appOrder, workerpoolOrder, requestOrder });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).to.be.instanceOf(ContractError);
      expect((thrown as ContractError).errorName).to.equal("EscrowInsufficientBalance");
      expect(await ethers.provider.getBlockNumber()).to.equal(before);
    });

    it("names a price above the requester's maximum", async () => {
      const { f, requesterClient, appOrder, workerpoolOrder, request } = await setUp();
      await fund(f, f.actors.requester, 100n * ONE);
      const estimate = await estimateMatch(requesterClient, {
        appOrder,
        workerpoolOrder,
        requestOrder: await request(ONE),
      });
      expect(estimate.failure?.errorName).to.equal("MatchPriceTooHigh");
      expect(estimate.failure?.args).to.deep.equal({ kind: 0n, price: 3n * ONE, maxPrice: ONE });
      expect(estimate.failure?.shortMessage).to.contain("app order asks 3.0 POLIS");
    });

    it("matches when the estimate is clean", async () => {
      const { f, requesterClient, appOrder, workerpoolOrder, request } = await setUp();
      await fund(f, f.actors.requester, 100n * ONE);
      const requestOrder = await request(3n * ONE);
      expect(
        (await estimateMatch(requesterClient, { appOrder, workerpoolOrder, requestOrder })).failure,
      ).to.equal(undefined);
      const { deal, cost } = await matchOrders(requesterClient, {
        appOrder,
        workerpoolOrder,
        requestOrder,
      });
      expect(cost).to.equal(10n * ONE);
      expect(deal.mrenclave).to.equal(MRENCLAVE);
      expect(deal.dataset).to.equal(ZeroAddress);
    });
  });

  describe("toPolisError", () => {
    it("decodes reverts of the hub and of the registries from transactions", async () => {
      const f = await networkHelpers.loadFixture(deployFixture);
      const client = withSigner(await clientFor(f), f.actors.requester);
      const noFunds = await withdraw(client, { amount: parseEther("1") }).catch((e: unknown) => e);
      expect(noFunds).to.be.instanceOf(ContractError);
      expect((noFunds as ContractError).errorName).to.equal("EscrowInsufficientBalance");
      const params = { name: "dup", uri: "ipfs://dup", checksum: "0x" + "11".repeat(32) };
      await createApp(client, params);
      const dup = await createApp(client, params).catch((e: unknown) => e);
      expect((dup as ContractError).errorName).to.equal("RegistryAssetExists");
    });

    it("maps network failures to ServiceError and passes Polis errors through", async () => {
      const refused = Object.assign(new Error("fetch failed"), { cause: { code: "ECONNREFUSED" } });
      expect(toPolisError(refused, { rpcUrl: "http://x" })).to.be.instanceOf(ServiceError);
      const mine = new UserError("mine");
      expect(toPolisError(mine)).to.equal(mine);
    });
  });

  describe("connectRpc", () => {
    it("fails fast with a ServiceError when nothing listens", async () => {
      const err = await connectRpc({ url: "http://127.0.0.1:9", timeoutMs: 2000 }).catch(
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(ServiceError);
      expect((err as ServiceError).hint).to.match(/anvil/);
    });

    it("refuses a URL that is not http(s) as a user error", async () => {
      const err = await connectRpc({ url: "ws://127.0.0.1:8545" }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(UserError);
    });
  });
});
