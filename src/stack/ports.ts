import { createServer } from "node:net";
import type { AddressInfo } from "node:net";

/** Default ports of the local stack (docs: ARCHITECTURE.md), all on 127.0.0.1. */
export const DEFAULT_PORTS = {
  chain: 8545,
  sms: 13300,
  market: 13400,
  auditor: 13500,
  scheduler: 13600,
} as const;

export type StackPortName = keyof typeof DEFAULT_PORTS;

/** Whether nothing listens on `port` on 127.0.0.1. */
export async function isPortFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** A port the OS considers free right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/**
 * Picks a port per service: the default one when `preferDefaults` and it is free, else any free
 * port (so a demo never collides with a stack already running).
 */
export async function pickPorts(preferDefaults: boolean): Promise<Record<StackPortName, number>> {
  const out = {} as Record<StackPortName, number>;
  const taken = new Set<number>();
  for (const name of Object.keys(DEFAULT_PORTS) as StackPortName[]) {
    const wanted = DEFAULT_PORTS[name];
    let port = preferDefaults && (await isPortFree(wanted)) ? wanted : await freePort();
    while (taken.has(port)) port = await freePort();
    taken.add(port);
    out[name] = port;
  }
  return out;
}
