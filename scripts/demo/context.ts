import type { Wallet } from "ethers";
import { withSigner } from "../../src/sdk/client.js";
import type { PolisClient } from "../../src/sdk/client.js";
import type { MarketClient } from "../../src/sdk/market/client.js";
import type { SmsClient } from "../../src/sdk/sms/client.js";
import type { Stack } from "../../src/stack/index.js";
import type { Roles } from "./roles.js";
import type { DemoUi } from "./ui.js";

/** Sizes of the generated data sets: the full demo, or the reduced one CI runs. */
export interface DemoSize {
  patients: number;
  hours: number;
  campaignDays: number;
  flRows: number;
  flHoldoutRows: number;
}

export const FULL_SIZE: DemoSize = {
  patients: 60,
  hours: 24,
  campaignDays: 7,
  flRows: 400,
  flHoldoutRows: 600,
};

export const SMALL_SIZE: DemoSize = {
  patients: 24,
  hours: 12,
  campaignDays: 3,
  flRows: 150,
  flHoldoutRows: 300,
};

/** Everything a scenario uses. */
export interface DemoContext {
  stack: Stack;
  /** Read-only client; `as(wallet)` to act as a role. */
  client: PolisClient;
  market: MarketClient;
  sms: SmsClient;
  roles: Roles;
  /** Where the scenarios write their data, keys and results. */
  dataDir: string;
  size: DemoSize;
  ui: DemoUi;
  /** Escrow balance of every demo address once funded (to report who earned what). */
  baseline: Map<string, bigint>;
}

/** The context's client acting as `wallet`. */
export function as(ctx: DemoContext, wallet: Wallet): PolisClient {
  return withSigner(ctx.client, wallet);
}
