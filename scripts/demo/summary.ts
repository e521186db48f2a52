import { join } from "node:path";
import { formatEther } from "ethers";
import type { JsonRpcProvider } from "ethers";
import { pino } from "pino";
import { checkIntegrity } from "../../src/auditor/check/integrity.js";
import type { IntegrityReport } from "../../src/auditor/check/integrity.js";
import { createIndexer } from "../../src/auditor/indexer.js";
import { openAuditorStore } from "../../src/auditor/store.js";
import {
  offChainEvidenceChecks,
  type OffChainEvidenceOptions,
} from "../../src/auditor/verify/offChainEvidence.js";
import type { PolisClient } from "../../src/sdk/client.js";

/** An account to report on: who it is and its address. */
export interface Party {
  label: string;
  address: string;
}

/** Escrow balance (free + locked) of each address. */
export async function balances(client: PolisClient, parties: readonly Party[]) {
  const out = new Map<string, bigint>();
  for (const [address, a] of await accounts(client, parties)) out.set(address, a.stake + a.locked);
  return out;
}

/** Escrow account (free stake and locked) of each address. */
export async function accounts(client: PolisClient, parties: readonly Party[]) {
  const out = new Map<string, { stake: bigint; locked: bigint }>();
  await Promise.all(
    parties.map(async (p) => {
      const [stake, locked] = await client.hub.accountOf(p.address);
      out.set(p.address, { stake, locked });
    }),
  );
  return out;
}

/** Gas used by every transaction mined in [from, to]. */
export async function gasUsedBetween(
  provider: JsonRpcProvider,
  from: number,
  to: number,
): Promise<bigint> {
  let total = 0n;
  for (let start = from; start <= to; start += 50) {
    const blocks = await Promise.all(
      Array.from({ length: Math.min(50, to - start + 1) }, (_, i) => provider.getBlock(start + i)),
    );
    for (const b of blocks) total += b?.gasUsed ?? 0n;
  }
  return total;
}

/** sum(accounts) + kitty against the hub's token balance. */
export interface EscrowCheck {
  accounts: bigint;
  kitty: bigint;
  hubBalance: bigint;
  conserved: boolean;
}

/** Checks that the escrow holds exactly what its accounts and the kitty add up to. */
export async function escrowCheck(
  client: PolisClient,
  parties: readonly Party[],
): Promise<EscrowCheck> {
  const all = await balances(client, parties);
  const accounts = [...all.values()].reduce((s, v) => s + v, 0n);
  const [kitty, hubBalance] = await Promise.all([
    client.hub.kitty(),
    client.token.balanceOf(client.deployment.hub),
  ]);
  return { accounts, kitty, hubBalance, conserved: accounts + kitty === hubBalance };
}

/**
 * The auditor's integrity check (what `npm run auditor:check` runs): indexes every event into a
 * fresh database, then re-verifies it against the chain (escrow conservation, balances, per
 * transaction conservation, deal hashes, each completed task's evidence).
 */
export async function auditorIntegrity(
  client: PolisClient,
  dataDir: string,
  attestationRoot?: OffChainEvidenceOptions["attestationRoot"],
): Promise<IntegrityReport> {
  const store = openAuditorStore(join(dataDir, `integrity-${Date.now()}.db`));
  try {
    const logger = pino({ level: "silent" });
    await createIndexer({ client, store, logger }, { confirmations: 0 }).syncOnce();
    return await checkIntegrity(
      { client, store },
      // The demo's pools publish results on 127.0.0.1.
      { evidence: offChainEvidenceChecks({ attestationRoot, allowPrivateUrls: true }) },
    );
  } finally {
    store.close();
  }
}

/** +1.50 / -12.00 */
export function signedPolis(delta: bigint): string {
  const text = Number(formatEther(delta < 0n ? -delta : delta)).toFixed(2);
  return delta === 0n ? "0.00" : `${delta < 0n ? "-" : "+"}${text}`;
}
