import { parseEther } from "ethers";
import type { Signer } from "ethers";
import type { PolisClient } from "../sdk/client.js";
import { withSigner } from "../sdk/client.js";
import { requestFaucet } from "../sdk/actions/account/requestFaucet.js";
import { deposit } from "../sdk/actions/account/deposit.js";

/** How much one wallet gets: gas money, and POLIS from the faucet of which some is deposited. */
export interface FundingSpec {
  signer: Signer;
  /** Native coin for gas (default 10). */
  ether?: bigint;
  /** POLIS minted by the faucet (default: `deposit`). */
  faucet?: bigint;
  /** POLIS deposited into the escrow (free stake). */
  deposit: bigint;
}

/**
 * Funds wallets the way a user would on a dev chain: gas money from `funder`, then each wallet
 * asks the token faucet and deposits into the escrow (ERC-1363, one transaction). Wallets are
 * funded in parallel; each one's transactions go in order.
 */
export async function fundWallets(
  client: PolisClient,
  funder: Signer,
  specs: readonly FundingSpec[],
): Promise<void> {
  const addresses = await Promise.all(specs.map((s) => s.signer.getAddress()));
  const transfers = await Promise.all(
    specs.map((s, i) =>
      funder.sendTransaction({ to: addresses[i], value: s.ether ?? parseEther("10") }),
    ),
  );
  await Promise.all(transfers.map((tx) => tx.wait()));
  await Promise.all(
    specs.map(async (s) => {
      const own = withSigner(client, s.signer);
      const minted = s.faucet ?? s.deposit;
      if (minted > 0n) await requestFaucet(own, { amount: minted, gasTopUp: 0n });
      if (s.deposit > 0n) await deposit(own, { amount: s.deposit });
    }),
  );
}
