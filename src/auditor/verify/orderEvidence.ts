import { ZeroHash, keccak256, recoverAddress, toUtf8Bytes } from "ethers";
import { ORDER_TYPES, OrderKind, orderHash } from "../../core/index.js";
import type { AnyOrder, Deal } from "../../core/index.js";
import type { PolisClient } from "../../sdk/client.js";
import type { EvidenceStep } from "./types.js";

type StepResult = Pick<EvidenceStep, "status" | "message" | "details">;

/** Rebuilds a typed order from a decoded calldata struct. */
function toOrder(kind: OrderKind, value: Record<string, unknown>): AnyOrder {
  const out: Record<string, unknown> = {};
  for (const f of Object.values(ORDER_TYPES[kind])[0]) out[f.name] = value[f.name];
  out.signature = value.signature;
  return out as unknown as AnyOrder;
}

/**
 * Re-checks the four orders of a deal from the match transaction's calldata: their EIP-712
 * digests equal the hashes in DealCreated, each is signed (or presigned, or ERC-1271-approved) by
 * the owner the deal recorded, and the deal's prices, assets and params come from them.
 */
export async function checkDealOrders(
  client: PolisClient,
  deal: Deal,
  orderHashes: string[],
  transactionHash: string,
  dealBlock: number,
): Promise<StepResult> {
  const tx = await client.provider.getTransaction(transactionHash);
  const parsed = tx ? client.hub.interface.parseTransaction({ data: tx.data }) : null;
  if (!tx || !parsed || !["matchOrders", "sponsorMatchOrders"].includes(parsed.name)) {
    return {
      status: "skip",
      message:
        "The deal was not matched by a direct hub call; its orders cannot be read from calldata.",
    };
  }
  const kinds = [OrderKind.App, OrderKind.Dataset, OrderKind.Workerpool, OrderKind.Request];
  const owners = [deal.appOwner, deal.datasetOwner, deal.workerpoolOwner, deal.requester];
  const problems: string[] = [];
  const details: Record<string, string> = {};
  const orders = kinds.map((k, i) => toOrder(k, parsed.args[i] as Record<string, unknown>));
  for (const [i, kind] of kinds.entries()) {
    const name = OrderKind[kind].toLowerCase();
    if (kind === OrderKind.Dataset && orderHashes[i] === ZeroHash) continue;
    const h = orderHash(client.hubDomain, kind, orders[i] as never);
    details[`${name}Order`] = h;
    if (h !== orderHashes[i].toLowerCase())
      problems.push(`${name} order digest ${h} != event ${orderHashes[i]}`);
    const signer = await signerOf(client, h, orders[i].signature, owners[i], dealBlock);
    if (signer !== "ok") problems.push(`${name} order: ${signer}`);
  }
  const [a, d, w, r] = orders as [any, any, any, any];
  const expect = (what: string, ok: boolean) =>
    ok || problems.push(`deal ${what} does not come from the orders`);
  expect(
    "app",
    a.app.toLowerCase() === deal.app.toLowerCase() &&
      r.app.toLowerCase() === deal.app.toLowerCase(),
  );
  expect("app price", a.price === deal.appPrice);
  expect(
    "dataset price",
    deal.dataset === "0x0000000000000000000000000000000000000000" || d.price === deal.datasetPrice,
  );
  expect("workerpool", w.workerpool.toLowerCase() === deal.workerpool.toLowerCase());
  expect("workerpool price", w.price === deal.workerpoolPrice);
  expect("requester", r.requester.toLowerCase() === deal.requester.toLowerCase());
  expect("params", keccak256(toUtf8Bytes(r.params)) === deal.paramsHash.toLowerCase());
  expect("category", r.category === deal.category);
  return problems.length === 0
    ? {
        status: "pass",
        message: "The four orders hash to the deal's order hashes and are signed by their owners.",
        details,
      }
    : { status: "fail", message: problems.join("; "), details };
}

async function signerOf(
  client: PolisClient,
  digest: string,
  signature: string,
  owner: string,
  blockTag: number,
): Promise<string> {
  if (signature === "0x") {
    const presigned = await client.hub.isPresigned(digest, owner, { blockTag });
    return presigned ? "ok" : `not presigned by ${owner}`;
  }
  try {
    if (recoverAddress(digest, signature).toLowerCase() === owner.toLowerCase()) return "ok";
  } catch {
    // not an ECDSA signature: maybe ERC-1271
  }
  if ((await client.provider.getCode(owner, blockTag)) !== "0x") {
    const data =
      "0x1626ba7e" +
      client.hub.interface.getAbiCoder().encode(["bytes32", "bytes"], [digest, signature]).slice(2);
    try {
      const ret = await client.provider.call({ to: owner, data, blockTag });
      if (ret.slice(0, 10) === "0x1626ba7e") return "ok";
    } catch {
      // reverted: invalid
    }
  }
  return `signature is not from the owner ${owner}`;
}
