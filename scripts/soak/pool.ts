/**
 * Pool soak: random crashes across task phases, not run in CI. Each round arms a one-shot SIGKILL
 * before a random pipeline phase (or kills the scheduler, or a worker in compute), matches a deal
 * (TEE trust 1 or standard trust 3, 1 to 3 tasks), restarts the victim now, later or never, and
 * waits. A task that cannot complete is claimed after its final deadline. Every task must end
 * COMPLETED, or FAILED with the requester refunded; at the end nothing may stay locked and the
 * escrow must hold exactly the hub's tokens. Writes bench/results/soak-pool.json.
 *
 * Run: npm run soak:pool   (tsx scripts/soak/pool.ts [--crashes 50] [--seed 1])
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { CRASH_PHASES } from "../../src/worker/faults.js";
import { STATUS, type MatchedDeal } from "../lib/pool/deals.js";
import { createPoolWorld } from "../lib/pool/world.js";

const { values } = parseArgs({
  options: {
    crashes: { type: "string", default: "50" },
    seed: { type: "string", default: String(Date.now() % 100_000) },
    workers: { type: "string", default: "4" },
  },
});
const CRASHES = Number(values.crashes);
const WORKERS = Number(values.workers);
let seed = Number(values.seed);
/** mulberry32: a reproducible run for a given --seed. */
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

type Fault = (typeof CRASH_PHASES)[number] | "scheduler" | "in-compute";
const FAULTS: readonly Fault[] = [...CRASH_PHASES, "scheduler", "in-compute"];

const world = await createPoolWorld({ workers: WORKERS, capacity: 2 });
const faultFile = join(world.root, "fault.json");
const pool = await world.launch({ env: { POLIS_FAULT_FILE: faultFile } });
const names = Array.from({ length: WORKERS }, (_, i) => `worker${i}`);
const alive = (name: string) => {
  const p = pool.processes.find((x) => x.name === name);
  return p !== undefined && p.child.exitCode === null && p.child.signalCode === null;
};
const claimedBy = (): string | undefined => {
  for (const f of readdirSync(world.root))
    if (f.startsWith("fault.json.") && readFileSync(join(world.root, f), "utf8")) {
      const claim = JSON.parse(readFileSync(join(world.root, f), "utf8")) as { worker: string };
      rmSync(join(world.root, f));
      return claim.worker;
    }
  return undefined;
};

const outcomes = { completed: 0, refunded: 0, stuck: 0 };
const byFault: Record<string, number> = {};
const deals: MatchedDeal[] = [];
const started = Date.now();
let crashes = 0;
let round = 0;
let failure: Error | undefined;

try {
  log(`soak: ${CRASHES} crashes, ${WORKERS} workers, seed ${values.seed}`);
  while (crashes < CRASHES) {
    round++;
    if (!names.some(alive)) for (const n of names) await pool.restart(n);
    const fault = pick(FAULTS);
    const replicated = fault === "reveal" || (fault !== "in-compute" && random() < 0.4);
    const volume = BigInt(1 + Math.floor(random() * 3));
    const restart = pick(["now", "now", "later", "never"] as const);
    if (fault !== "scheduler" && fault !== "in-compute")
      writeFileSync(faultFile, JSON.stringify({ phase: fault }));

    const d = await world.matchDeal({
      volume,
      trust: replicated ? 3n : 1n,
      tee: !replicated,
      args: fault === "in-compute" ? "--sleep 1500" : undefined,
    });
    deals.push(d);

    let victim: string | undefined;
    if (fault === "scheduler") {
      await sleep(200 + random() * 1500);
      await pool.kill("scheduler", "SIGKILL");
      victim = "scheduler";
    } else if (fault === "in-compute") {
      await sleep(900);
      victim = pick(names.filter(alive));
      await pool.kill(victim, "SIGKILL");
    } else {
      const until = Date.now() + 15_000;
      while (!victim && Date.now() < until) {
        victim = claimedBy();
        if (!victim) await sleep(50);
      }
      rmSync(faultFile, { force: true });
    }
    if (victim) {
      crashes++;
      byFault[fault] = (byFault[fault] ?? 0) + 1;
      while (alive(victim)) await sleep(20);
      // The scheduler is always brought back; the pool cannot run without it.
      const when = victim === "scheduler" ? "now" : restart;
      if (when === "now") await pool.restart(victim);
    }
    log(
      `round ${round}: ${fault}${victim ? ` killed ${victim}` : " (phase not reached)"}, ` +
        `${replicated ? "trust 3" : "TEE"} x${volume}, restart ${victim === "scheduler" ? "now" : restart}  [${crashes}/${CRASHES}]`,
    );

    try {
      await world.waitForTasks(d.taskIds, { timeoutMs: 45_000 });
      outcomes.completed += d.taskIds.length;
    } catch {
      // Past its final deadline the requester claims what did not complete.
      const statuses = await Promise.all(d.taskIds.map((t) => world.status(t)));
      await world.increaseTime(Number(d.deal.timeRef) * 10 + 1);
      const open = d.taskIds
        .map((_, i) => d.deal.botFirst + BigInt(i))
        .filter((_, i) => statuses[i] !== STATUS.Completed && statuses[i] !== STATUS.Failed);
      const after = await Promise.all(d.taskIds.map((t) => world.status(t)));
      const stillOpen = open.filter(
        (idx) => after[Number(idx - d.deal.botFirst)] !== STATUS.Completed,
      );
      if (stillOpen.length > 0) await world.claim(d.dealId, d.deal, stillOpen);
      const final = await Promise.all(d.taskIds.map((t) => world.status(t)));
      for (const s of final)
        if (s === STATUS.Completed) outcomes.completed++;
        else if (s === STATUS.Failed) outcomes.refunded++;
        else outcomes.stuck++;
      log(`  claimed ${stillOpen.length} task(s) after the deadline: ${final.join(",")}`);
    }
    // "later": once the round settled; "never": until the sweep every few rounds, which keeps
    // the pool's capacity.
    if (victim && victim !== "scheduler" && restart === "later" && !alive(victim))
      await pool.restart(victim);
    if (round % 4 === 0) for (const n of names) if (!alive(n)) await pool.restart(n);
  }

  for (const n of names) if (!alive(n)) await pool.restart(n);
  const escrow = await world.escrow();
  const locked = Object.entries(escrow.accounts).filter(([, a]) => a.locked !== 0n);
  const tasks = outcomes.completed + outcomes.refunded + outcomes.stuck;
  const ok = outcomes.stuck === 0 && locked.length === 0 && escrow.conserved;
  const out = {
    seed: Number(values.seed),
    crashes,
    crashesByFault: byFault,
    deals: deals.length,
    tasks,
    completed: outcomes.completed,
    failedAndRefunded: outcomes.refunded,
    stuck: outcomes.stuck,
    lockedAccounts: locked.length,
    escrowConserved: escrow.conserved,
    settledPercent: Number(
      (((outcomes.completed + outcomes.refunded) / Math.max(1, tasks)) * 100).toFixed(2),
    ),
    seconds: Math.round((Date.now() - started) / 1000),
  };
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/soak-pool.json", JSON.stringify(out, null, 2) + "\n");
  log("");
  log(
    `${tasks} tasks in ${deals.length} deals under ${crashes} crashes: ${outcomes.completed} completed, ` +
      `${outcomes.refunded} failed and refunded, ${outcomes.stuck} stuck`,
  );
  log(`crashes by fault: ${JSON.stringify(byFault)}`);
  log(
    `escrow conserved: ${escrow.conserved}; accounts with locked funds: ${locked.length}   target 100% settled  ${ok ? "ok" : "MISS"}`,
  );
  log("wrote bench/results/soak-pool.json");
  if (!ok) process.exitCode = 1;
} catch (e) {
  failure = e as Error;
} finally {
  await pool.stop().catch(() => {});
  if (existsSync(faultFile)) rmSync(faultFile);
  await world.stop();
}
if (failure) {
  console.error(`soak failed: ${failure.message}`);
  process.exit(1);
}
