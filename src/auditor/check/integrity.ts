import type { PolisClient } from "../../sdk/client.js";
import type { AuditorStore } from "../store.js";
import { verifyTaskEvidence } from "../verify/verifyTaskEvidence.js";
import type { VerifyTaskEvidenceOptions } from "../verify/verifyTaskEvidence.js";

/** One family of checks and what failed in it. */
export interface IntegrityCheck {
  id:
    | "escrow-conservation"
    | "account-balances"
    | "transaction-conservation"
    | "deal-hashes"
    | "task-evidence";
  ok: boolean;
  message: string;
  failures: string[];
}

/** Result of checkIntegrity: ok when every check holds. */
export interface IntegrityReport {
  ok: boolean;
  /** The indexed block every chain read was made at. */
  block: number;
  checks: IntegrityCheck[];
}

/** Options of checkIntegrity, with defaults. */
export interface CheckIntegrityOptions {
  /** Re-verify each completed task's evidence (default true). */
  tasks?: boolean;
  /** At most this many completed tasks (most recent first; default all). */
  taskLimit?: number;
  /** Passed to verifyTaskEvidence (the enclave module's checks). */
  evidence?: VerifyTaskEvidenceOptions;
  /** Parallel chain reads (default 8). */
  concurrency?: number;
}

/**
 * Re-verifies the index against the chain, reading the chain at the indexed block:
 * - escrow conservation: deposits - withdrawals == sum of indexed balances + kitty ==
 *   token.balanceOf(hub), and the indexed kitty equals `hub.kitty()`;
 * - every indexed account equals `hub.accountOf` (free and locked);
 * - per transaction: seized + kitty drained == rewarded + kitty filled;
 * - every deal's hash equals `hub.dealHash(dealId)`;
 * - every completed task's evidence (verifyTaskEvidence).
 */
export async function checkIntegrity(
  components: { client: PolisClient; store: AuditorStore },
  options: CheckIntegrityOptions = {},
): Promise<IntegrityReport> {
  const { client, store } = components;
  const block = store.checkpoint();
  if (block === undefined) throw new Error("The auditor index is empty: index the chain first.");
  const blockTag = block;
  const limit = options.concurrency ?? 8;
  const checks: IntegrityCheck[] = [];
  const check = (id: IntegrityCheck["id"], okMessage: string, failures: string[]) =>
    checks.push({
      id,
      ok: failures.length === 0,
      message: failures.length === 0 ? okMessage : `${failures.length} problem(s)`,
      failures,
    });

  // Escrow conservation.
  const accounts = store.all<{ address: string; stake: string; locked: string }>(
    "SELECT * FROM accounts",
  );
  const deposited = BigInt(store.meta("deposited") ?? "0");
  const withdrawn = BigInt(store.meta("withdrawn") ?? "0");
  const kitty = BigInt(store.meta("kitty") ?? "0");
  const held = accounts.reduce((s, a) => s + BigInt(a.stake) + BigInt(a.locked), 0n);
  const [tokenBalance, chainKitty] = await Promise.all([
    client.token.balanceOf(client.deployment.hub, { blockTag }),
    client.hub.kitty({ blockTag }),
  ]);
  const escrow: string[] = [];
  if (deposited - withdrawn !== held + kitty) {
    escrow.push(
      `deposits - withdrawals = ${deposited - withdrawn} but balances + kitty = ${held + kitty}`,
    );
  }
  if (tokenBalance !== held + kitty) {
    escrow.push(`token.balanceOf(hub) = ${tokenBalance} but balances + kitty = ${held + kitty}`);
  }
  if (chainKitty !== kitty) escrow.push(`hub.kitty() = ${chainKitty} but the index has ${kitty}`);
  check(
    "escrow-conservation",
    `deposits - withdrawals = balances + kitty = token balance of the hub = ${tokenBalance}`,
    escrow,
  );

  // Each account against accountOf.
  const balanceFailures: string[] = [];
  await pool(accounts, limit, async (a) => {
    const [stake, locked] = await client.hub.accountOf(a.address, { blockTag });
    if (stake !== BigInt(a.stake) || locked !== BigInt(a.locked)) {
      balanceFailures.push(`${a.address}: index ${a.stake}/${a.locked}, chain ${stake}/${locked}`);
    }
  });
  check("account-balances", `${accounts.length} accounts equal hub.accountOf`, balanceFailures);

  // Per-transaction conservation of settlements.
  const txs = store.all<{ tx_hash: string; kind: string; amount: string }>(
    "SELECT tx_hash, kind, amount FROM movements WHERE kind IN ('Seized','KittyDrained','Rewarded','KittyFilled') ORDER BY tx_hash",
  );
  const perTx = new Map<string, bigint>();
  for (const m of txs) {
    const sign = m.kind === "Seized" || m.kind === "KittyDrained" ? 1n : -1n;
    perTx.set(m.tx_hash, (perTx.get(m.tx_hash) ?? 0n) + sign * BigInt(m.amount));
  }
  const txFailures = [...perTx]
    .filter(([, v]) => v !== 0n)
    .map(([tx, v]) => `${tx}: seized + drained - rewarded - filled = ${v}`);
  check(
    "transaction-conservation",
    `${perTx.size} settlement transactions conserve value`,
    txFailures,
  );

  // Deal hashes.
  const deals = store.all<{ deal_id: string; deal_hash: string; bot_first: string }>(
    "SELECT deal_id, deal_hash, bot_first FROM deals",
  );
  const dealFailures: string[] = [];
  await pool(deals, limit, async (d) => {
    const onChain = await client.hub.dealHash(d.deal_id, d.bot_first, { blockTag });
    if (onChain.toLowerCase() !== d.deal_hash)
      dealFailures.push(`${d.deal_id}: index ${d.deal_hash}, hub ${onChain}`);
  });
  check("deal-hashes", `${deals.length} deal hashes equal hub.dealHash`, dealFailures);

  // Completed tasks' evidence.
  if (options.tasks ?? true) {
    const tasks = store.all<{ task_id: string }>(
      `SELECT task_id FROM tasks WHERE status = 'Completed' ORDER BY updated_block DESC${options.taskLimit ? " LIMIT ?" : ""}`,
      ...(options.taskLimit ? [options.taskLimit] : []),
    );
    const taskFailures: string[] = [];
    let attested = 0;
    await pool(tasks, Math.min(limit, 4), async (t) => {
      const evidence = await verifyTaskEvidence(client, t.task_id, options.evidence);
      for (const s of evidence.steps.filter((s) => s.status === "fail")) {
        taskFailures.push(`${t.task_id} ${s.id}: ${s.message}`);
      }
      if (evidence.steps.some((s) => s.id === "certificate-chain" && s.status === "pass"))
        attested++;
    });
    check(
      "task-evidence",
      `${tasks.length} completed tasks carry valid evidence (${attested} enclave quotes checked to the attestation root)`,
      taskFailures,
    );
  }
  return { ok: checks.every((c) => c.ok), block, checks };
}

async function pool<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}
