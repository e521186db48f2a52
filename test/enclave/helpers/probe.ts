import { expect } from "chai";
import { createServer, type AddressInfo } from "node:net";

/** A loopback TCP server that counts the connections it is offered (the probe's network check). */
export async function countingServer(): Promise<{
  port: number;
  connections(): number;
  close(): void;
}> {
  let connections = 0;
  const server = createServer((c) => {
    connections++;
    c.destroy();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () => server.close(),
  };
}

/**
 * What examples/enclave-apps/probe reports from inside a sandbox: its own input readable (one
 * file), and everything else refused: another task's file, the worker's key, /proc, writes
 * outside out/, symlinks, child processes, workers, the environment (empty), the network.
 */
export function expectProbeIsolated(
  report: Record<string, { ok: boolean; code?: string; value?: string }>,
): void {
  expect(report.readOwnInput).to.deep.equal({ ok: true, value: "1" });
  for (const k of [
    "readOtherTask",
    "readWorkerKey",
    "readProcEnviron",
    "writeOutsideOut",
    "symlinkOut",
    "spawn",
    "worker",
  ])
    expect(report[k], k).to.deep.equal({ ok: false, code: "ERR_ACCESS_DENIED" });
  expect(report.env).to.deep.equal({ ok: true, value: "{}" });
  expect(report.connect.ok).to.equal(false);
  expect(["ENETUNREACH", "ECONNREFUSED"]).to.include(report.connect.code);
}
