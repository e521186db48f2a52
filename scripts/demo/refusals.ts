import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import type { ContractTransactionResponse, JsonRpcProvider } from "ethers";

/**
 * Mines two transactions in the same block, `first` before `second` (higher priority fee), on
 * dev chains that let automining pause (anvil, hardhat node). Elsewhere they go one after the
 * other. Returns the mined receipts' statuses.
 */
export async function inOneBlock(
  provider: JsonRpcProvider,
  first: (fees: object) => Promise<ContractTransactionResponse>,
  second: (fees: object) => Promise<ContractTransactionResponse>,
): Promise<{ sameBlock: boolean; first: ContractTransactionResponse }> {
  const paused = await provider.send("evm_setAutomine", [false]).then(
    () => true,
    () => false,
  );
  const gwei = 1_000_000_000n;
  try {
    const a = await first({ maxFeePerGas: 100n * gwei, maxPriorityFeePerGas: 3n * gwei });
    if (!paused) await a.wait();
    const b = await second({ maxFeePerGas: 100n * gwei, maxPriorityFeePerGas: 1n * gwei });
    if (paused) await provider.send("evm_mine", []);
    const [ra, rb] = await Promise.all([a.wait(), b.wait()]);
    return { sameBlock: paused && ra?.blockNumber === rb?.blockNumber, first: a };
  } finally {
    if (paused) await provider.send("evm_setAutomine", [true]);
  }
}

/** The SMS's release decisions so far, by outcome and reason (its Prometheus counter). */
export async function smsReleaseCounts(smsUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${smsUrl}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(
    /^polis_sms_releases_total\{outcome="([a-z]+)",reason="([A-Za-z]+)"\} ([0-9.]+)$/gm,
  ))
    out[`${m[1]}:${m[2]}`] = Number(m[3]);
  return out;
}

/** The task as the pool's scheduler sees it (state "stalled" once it gave the task up). */
export async function poolTaskState(schedulerUrl: string, taskId: string): Promise<string> {
  const res = await fetch(`${schedulerUrl}/v1/tasks/${taskId}`);
  if (!res.ok) return "unknown";
  return ((await res.json()) as { state: string }).state;
}

/** What the pool's workers logged about a task's failures (their JSON logs). */
export async function workerFailures(logsDir: string, taskId: string): Promise<string[]> {
  const out: string[] = [];
  for (const file of (await readdir(logsDir)).filter((f) => /^worker\d+\.log$/.test(f))) {
    for (const line of (await readFile(join(logsDir, file), "utf8")).split("\n")) {
      if (!line.includes(taskId) || !line.includes('"task failed"')) continue;
      try {
        out.push(`${file.replace(".log", "")}: ${(JSON.parse(line) as { err: string }).err}`);
      } catch {
        // not a JSON line
      }
    }
  }
  return out;
}
