import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import {
  createStackAuthority,
  freePort,
  smsVerifier,
  startMarket,
  startSms,
  stopProcesses,
  waitHealthy,
} from "../../../src/stack/index.js";
import { createMarketClient, type MarketClient } from "../../../src/sdk/market/client.js";
import { createSmsClient, type SmsClient } from "../../../src/sdk/sms/client.js";
import type { PolisEnv } from "./polis.js";

/** The real market and SMS (src/market, sms/), each its own process, on the env's chain. */
export interface Services {
  marketUrl: string;
  smsUrl: string;
  market: MarketClient;
  sms: SmsClient;
  stop(): Promise<void>;
}

/** Starts the market and the SMS as `polis up` does, on free ports, logging under `env.dir`. */
export async function startServices(env: PolisEnv): Promise<Services> {
  const ctx = {
    root: process.cwd(),
    rpcUrl: env.anvil.url,
    deploymentsDir: env.deploymentsDir,
    logsDir: join(env.dir, "logs"),
    logLevel: "warn",
  };
  await mkdir(ctx.logsDir, { recursive: true });
  await mkdir(join(env.dir, "market"), { recursive: true });
  const authority = await createStackAuthority(
    join(env.dir, "authority"),
    join(env.dir, "hosts"),
    0,
  );
  const [smsPort, marketPort] = [await freePort(), await freePort()];
  const smsUrl = `http://127.0.0.1:${smsPort}`;
  const marketUrl = `http://127.0.0.1:${marketPort}`;
  const procs = [
    startSms(ctx, { port: smsPort, dataDir: join(env.dir, "sms"), authorityDir: authority.dir }),
    startMarket(ctx, { port: marketPort, dbPath: join(env.dir, "market", "market.db") }),
  ];
  try {
    await Promise.all([smsVerifier(procs[0], smsUrl), waitHealthy(procs[1], marketUrl)]);
  } catch (error) {
    await stopProcesses(procs);
    throw error;
  }
  return {
    marketUrl,
    smsUrl,
    market: createMarketClient({ url: marketUrl }),
    sms: createSmsClient({ url: smsUrl, chainId: env.client.chainId }),
    stop: () => stopProcesses(procs),
  };
}
