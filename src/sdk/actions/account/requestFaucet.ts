import { parseEther } from "ethers";
import type { JsonRpcApiProvider, Provider } from "ethers";
import { UserError } from "../../../core/errors/index.js";
import type { PolisClient } from "../../client.js";
import { requireSigner } from "../../internal/signer.js";
import { read, sendTransaction, transactionInfo } from "../../internal/send.js";
import type { TransactionInfo } from "../../internal/send.js";

export interface RequestFaucetParameters {
  /** Tokens to mint (base units). Default: the faucet's per-call limit, capped at 1000 POLIS. */
  amount?: bigint;
  /** Recipient; default: the signer. */
  to?: string;
  /**
   * On dev chains (anvil, hardhat node), top the signer's native balance up to this many wei
   * first so that a brand-new wallet can pay gas. Default 100 ETH; 0 disables.
   */
  gasTopUp?: bigint;
}

export interface RequestFaucetReturnType extends TransactionInfo {
  to: string;
  amount: bigint;
  /** Native currency added for gas on a dev chain (0 when none was needed or possible). */
  gasAdded: bigint;
}

const DEFAULT_FAUCET_AMOUNT = parseEther("1000");

/**
 * Mints POLIS from the dev token's faucet. On chains whose node exposes `anvil_setBalance` or
 * `hardhat_setBalance`, first gives an empty wallet gas money.
 * @throws ContractError TokenFaucetDisabled on production deployments.
 * @example await requestFaucet(client, { amount: parseEther("100") });
 */
export async function requestFaucet(
  client: PolisClient,
  params: RequestFaucetParameters = {},
): Promise<RequestFaucetReturnType> {
  const { address } = await requireSigner(client, "The faucet");
  const to = params.to ?? address;
  const limit = await read(() => client.token.faucetLimit());
  if (limit === 0n) {
    throw new UserError("The faucet is disabled on this chain.", {
      hint: "Get POLIS tokens from another account.",
    });
  }
  const amount = params.amount ?? (limit < DEFAULT_FAUCET_AMOUNT ? limit : DEFAULT_FAUCET_AMOUNT);
  const gasAdded = await topUpGas(client.provider, address, params.gasTopUp ?? parseEther("100"));
  const receipt = await sendTransaction(client, () => client.token.faucet(to, amount));
  return { ...transactionInfo(receipt), to, amount, gasAdded };
}

/** Sets the native balance of `address` to `target` on dev nodes when it is lower. */
async function topUpGas(provider: Provider, address: string, target: bigint): Promise<bigint> {
  if (target === 0n) return 0n;
  const balance = await read(() => provider.getBalance(address));
  if (balance >= target / 10n) return 0n;
  const rpc = provider as Partial<JsonRpcApiProvider>;
  if (typeof rpc.send !== "function") return 0n;
  for (const method of ["anvil_setBalance", "hardhat_setBalance"]) {
    try {
      await rpc.send(method, [address, "0x" + target.toString(16)]);
      return target - balance;
    } catch {
      // not this kind of dev node
    }
  }
  return 0n;
}
