import { parseAddress } from "../../internal/values.js";
import type { PolisClient } from "../../client.js";
import { read } from "../../internal/send.js";

export interface GetAccountParameters {
  address: string;
}

export interface GetAccountReturnType {
  address: string;
  /** Free escrow balance, usable by new deals and withdrawable. */
  stake: bigint;
  /** Escrow balance locked by running deals. */
  locked: bigint;
  /** Tokens in the wallet, outside the escrow. */
  tokenBalance: bigint;
  /** Native currency for gas. */
  nativeBalance: bigint;
}

/**
 * Balances of an account: escrow (free and locked), wallet tokens and native gas money.
 * @example const { stake, locked } = await getAccount(client, { address });
 */
export async function getAccount(
  client: PolisClient,
  params: GetAccountParameters,
): Promise<GetAccountReturnType> {
  const address = parseAddress(params.address, "account");
  const [[stake, locked], tokenBalance, nativeBalance] = await read(() =>
    Promise.all([
      client.hub.accountOf(address),
      client.token.balanceOf(address),
      client.provider.getBalance(address),
    ]),
  );
  return { address, stake, locked, tokenBalance, nativeBalance };
}
