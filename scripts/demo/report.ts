import { formatEther } from "ethers";
import type { DemoContext } from "./context.js";
import { ROLE_SPECS } from "./roles.js";
import type { RoleName } from "./roles.js";
import type { EHealthReport } from "./scenarios/eHealth.js";
import type { FederatedReport } from "./scenarios/federated.js";
import type { MarketingReport } from "./scenarios/marketing.js";
import { accounts, auditorIntegrity, escrowCheck, gasUsedBetween, signedPolis } from "./summary.js";
import type { EscrowCheck, Party } from "./summary.js";
import { short, table } from "./ui.js";

/** The joint model must beat this accuracy on the held-out set. */
export const FL_ACCURACY_FLOOR = 0.75;

export interface DemoSummary {
  deals: number;
  tasks: number;
  completed: number;
  /** Claimed after their deadline (refunded). */
  failed: number;
  gas: { deployment: bigint; scenarios: bigint };
  seconds: number;
  /** Change of each party's escrow balance since funding, and what is still locked. */
  payments: Array<Party & { delta: bigint; locked: bigint }>;
  escrow: EscrowCheck;
  integrity: { ok: boolean; checks: Array<{ id: string; ok: boolean; message: string }> };
  /** Every check of the scenarios and the summary held. */
  ok: boolean;
  failures: string[];
}

/** Every address the demo knows, labelled by role. */
export function parties(ctx: DemoContext): Party[] {
  const pool = ctx.stack.state.pool;
  return [
    ...(Object.keys(ctx.roles) as RoleName[]).map((name) => ({
      label: ROLE_SPECS[name].label,
      address: ctx.roles[name].address,
    })),
    { label: "Pool owner (fog provider)", address: pool.owner },
    { label: "Pool scheduler", address: pool.scheduler },
    ...pool.workers.map((address, i) => ({ label: `Worker ${i}`, address })),
  ];
}

/**
 * Prints and returns the summary: deals, tasks, gas, time, who was paid per role, escrow
 * conservation, the auditor's integrity check and the explorer URL.
 */
export async function printSummary(
  ctx: DemoContext,
  run: {
    eHealth?: EHealthReport;
    marketing?: MarketingReport;
    federated?: FederatedReport;
    startBlock: number;
  },
): Promise<DemoSummary> {
  const { ui, client } = ctx;
  const provider = ctx.stack.chain.provider;
  const head = await provider.getBlockNumber();
  const tm = client.taskManager;
  const [created, completed, failed] = await Promise.all([
    client.hub.queryFilter(client.hub.filters.DealCreated(), run.startBlock, head),
    tm.queryFilter(tm.filters.TaskCompleted(), run.startBlock, head),
    tm.queryFilter(tm.filters.TaskFailed(), run.startBlock, head),
  ]);
  const tasks = created.reduce((s, e) => s + Number(e.args.deal.botSize), 0);
  const scenariosGas = await gasUsedBetween(provider, run.startBlock + 1, head);
  const all = parties(ctx);
  const now = await accounts(client, all);
  const payments = all.map((p) => {
    const a = now.get(p.address)!;
    return { ...p, delta: a.stake + a.locked - ctx.baseline.get(p.address)!, locked: a.locked };
  });
  const escrow = await escrowCheck(client, [
    ...all,
    { label: "governance", address: await ctx.stack.governance.getAddress() },
  ]);
  ui.step("The auditor re-indexes the chain and re-verifies everything (integrity check)");
  const integrity = await auditorIntegrity(client, ctx.dataDir, await ctx.sms.attestationRoot());

  const failures: string[] = [];
  const need = (ok: boolean | undefined, what: string) => ok || failures.push(what);
  need(run.eHealth?.exact, "e-Health: anomalies found differ from the injected ones");
  need(run.eHealth?.verified.ok, "e-Health: the task's evidence did not verify");
  need(
    Object.keys(run.eHealth?.ungranted.smsDenials ?? {}).length > 0,
    "e-Health: the SMS did not refuse the ungranted app",
  );
  need(
    run.eHealth?.chainRefusal.startsWith("GrantMissing"),
    "e-Health: the hub matched an ungranted app",
  );
  need(run.marketing?.totalsMatch, "marketing: the campaign totals differ");
  need(
    (run.marketing?.contributions.filter((c) => c.agreed).length ?? 0) >= 2,
    "marketing: no replicated consensus",
  );
  need(
    (run.federated?.accuracy ?? 0) >= FL_ACCURACY_FLOOR,
    `federated learning: accuracy below ${FL_ACCURACY_FLOOR}`,
  );
  need(
    run.federated?.coordinatorReadUpdate === false,
    "federated learning: an update was readable",
  );
  need(escrow.conserved, "escrow not conserved");
  need(integrity.ok, "the auditor's integrity check failed");

  const open = tasks - completed.length - failed.length;
  ui.detail(
    `${created.length} deals, ${tasks} tasks: ${completed.length} completed, ` +
      `${failed.length} refused by the SMS then claimed (refunded)` +
      (open ? `, ${open} refused and claimable after the deadline` : ""),
  );
  ui.detail(
    `gas: ${ctx.stack.deployGas.toLocaleString("en")} to deploy, ` +
      `${scenariosGas.toLocaleString("en")} for the scenarios (every transaction of blocks ${run.startBlock + 1}-${head})`,
  );
  ui.detail(`wall time: ${ui.elapsed().toFixed(1)} s`);
  ui.step("Who was paid (escrow balance change since funding, POLIS)");
  const pool = new Set([ctx.stack.state.pool.owner, ...ctx.stack.state.pool.workers]);
  for (const line of table([
    ["role", "address", "change", "still locked"],
    ...payments
      .filter((p) => p.delta !== 0n || p.locked !== 0n)
      .map((p) => [
        p.label,
        short(p.address),
        signedPolis(p.delta),
        p.locked === 0n
          ? ""
          : `${Number(formatEther(p.locked)).toFixed(2)}${pool.has(p.address) ? " (stake)" : ""}`,
      ]),
    ["Kitty (seized stakes)", "", signedPolis(escrow.kitty), ""],
  ]))
    ui.detail(line);
  ui[escrow.conserved ? "ok" : "refused"](
    `escrow ${escrow.conserved ? "conserved" : "NOT conserved"}: accounts ${formatEther(escrow.accounts)} + kitty ` +
      `${formatEther(escrow.kitty)} = hub token balance ${formatEther(escrow.hubBalance)}`,
  );
  for (const c of integrity.checks) ui[c.ok ? "ok" : "refused"](`auditor: ${c.id}: ${c.message}`);
  for (const f of failures) ui.refused(f);
  const explorer = ctx.stack.state.urls.explorer;
  ui.step(`Explorer: ${explorer}`);
  if (run.eHealth) {
    ui.detail(`a TEE deal:        ${explorer}#/deal/${run.eHealth.wards[0].dealId}`);
    ui.detail(`dataset usage:     ${explorer}#/dataset/${run.eHealth.dataset}/usage`);
  }
  if (run.marketing) ui.detail(`replicated task:   ${explorer}#/task/${run.marketing.taskId}`);
  return {
    deals: created.length,
    tasks,
    completed: completed.length,
    failed: failed.length,
    gas: { deployment: ctx.stack.deployGas, scenarios: scenariosGas },
    seconds: ui.elapsed(),
    payments,
    escrow,
    integrity: {
      ok: integrity.ok,
      checks: integrity.checks.map((c) => ({ id: c.id, ok: c.ok, message: c.message })),
    },
    ok: failures.length === 0,
    failures,
  };
}
