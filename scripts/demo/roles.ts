import { Wallet, parseEther } from "ethers";
import type { Provider } from "ethers";
import type { Stack } from "../../src/stack/index.js";
import { fundWallets } from "../../src/stack/index.js";

/** Who takes part in the scenarios, with the POLIS each deposits into the escrow. */
export const ROLE_SPECS = {
  hospital: { label: "Hospital (vitals data set)", deposit: "0" },
  medAnalytics: { label: "MedAnalytics (anomaly detection app)", deposit: "0" },
  researcher: { label: "Research lab (e-Health requester)", deposit: "200" },
  broker: { label: "Data broker (ungranted export app)", deposit: "50" },
  statsOffice: { label: "City statistics office (campaign data)", deposit: "0" },
  adAnalytics: { label: "AdAnalytics (campaign stats app)", deposit: "0" },
  agency: { label: "Tourism agency (marketing requester)", deposit: "200" },
  districtEast: { label: "District industrial-east (sensors)", deposit: "0" },
  districtDowntown: { label: "District downtown (sensors)", deposit: "0" },
  districtWest: { label: "District green-west (sensors)", deposit: "0" },
  flLab: { label: "FL lab (training + aggregation apps)", deposit: "0" },
  coordinator: { label: "Environment dept. (FL coordinator)", deposit: "200" },
} as const;

export type RoleName = keyof typeof ROLE_SPECS;
export type Roles = Record<RoleName, Wallet>;

/** Fresh wallets for every role, connected to `provider` (keys stay in memory, never printed). */
export function createRoles(provider: Provider): Roles {
  const out = {} as Roles;
  for (const name of Object.keys(ROLE_SPECS) as RoleName[])
    out[name] = new Wallet(Wallet.createRandom().privateKey, provider);
  return out;
}

/** Gas money for every role, then faucet + deposit for those who pay for deals. */
export async function fundRoles(stack: Stack, roles: Roles): Promise<void> {
  await fundWallets(
    stack.client,
    stack.governance,
    (Object.keys(roles) as RoleName[]).map((name) => ({
      signer: roles[name],
      deposit: parseEther(ROLE_SPECS[name].deposit),
    })),
  );
}
