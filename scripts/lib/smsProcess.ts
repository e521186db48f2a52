import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

/** How `npm run sms` runs the service: the TypeScript entry through tsx. */
export const TSX_ENTRY = ["--import", "tsx", "sms/main.ts"];

/**
 * The same entry compiled into one ES module with esbuild (dependencies stay external), when
 * esbuild is installed (it comes with tsx): it starts in half the CPU time, which is what lets
 * the crash test restart the SMS 100 times within its budget. Falls back to the tsx entry.
 */
export async function bundledSmsEntry(): Promise<string[]> {
  try {
    const { build } = (await import("esbuild" as string)) as {
      build(o: Record<string, unknown>): Promise<unknown>;
    };
    const outfile = "test-artifacts/sms-main.mjs";
    await build({
      entryPoints: ["sms/main.ts"],
      bundle: true,
      platform: "node",
      format: "esm",
      packages: "external",
      target: "node22",
      outfile,
      logLevel: "error",
    });
    return [outfile];
  } catch {
    return TSX_ENTRY;
  }
}

export interface SmsProcess {
  proc: ChildProcess;
  url: string;
  /** JSON log lines so far. */
  logs: string[];
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<number | string>;
}

/**
 * Starts sms/main.ts as a child process (Node + tsx) with `env`, on a free port; resolves once it
 * logs "SMS listening".
 */
export async function spawnSms(
  env: Record<string, string>,
  timeoutMs = 20_000,
  entry: string[] = TSX_ENTRY,
): Promise<SmsProcess> {
  const proc = spawn(process.execPath, entry, {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", SMS_PORT: "0", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  const exited = new Promise<number | string>((resolve) =>
    proc.once("exit", (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`SMS did not start: ${logs.join("\n")}`)),
      timeoutMs,
    );
    createInterface({ input: proc.stdout! }).on("line", (line) => {
      logs.push(line);
      if (line.includes('"SMS listening"')) {
        clearTimeout(timer);
        resolve(JSON.parse(line).url as string);
      }
    });
    proc.stderr!.on("data", (d) => logs.push(String(d)));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`SMS exited (${code}) before listening: ${logs.join("\n")}`));
    });
  });
  return { proc, url, logs, exited };
}
