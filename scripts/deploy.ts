/**
 * Deploys Polis and writes deployments/<chainId>.json.
 *
 *   npm run deploy                                  # in-process chain (throwaway)
 *   npx hardhat run scripts/deploy.ts --network localhost   # a `hardhat node` / anvil on 8545
 *
 * Env: POLIS_FAUCET_LIMIT (wei per faucet call, default 1e24 on dev chains, 0 elsewhere),
 *      POLIS_VERIFIERS (comma-separated attestation verifier addresses).
 */
import { network } from "hardhat";
import { deployPolis } from "../src/sdk/deploy/deployPolis.js";
import { saveDeployment } from "../src/sdk/deploy/deployment.js";

const DEV_CHAINS = new Set([31337n, 1337n]);
const { ethers } = await network.create();
const [deployer] = await ethers.getSigners();
const chainId = (await ethers.provider.getNetwork()).chainId;
const faucetLimit = process.env.POLIS_FAUCET_LIMIT
  ? BigInt(process.env.POLIS_FAUCET_LIMIT)
  : DEV_CHAINS.has(chainId)
    ? 10n ** 24n
    : 0n;
const verifiers = (process.env.POLIS_VERIFIERS ?? "").split(",").filter(Boolean);
const { deployment, gasUsed } = await deployPolis(deployer, {
  faucetLimit,
  attestationVerifiers: verifiers,
});
const path = await saveDeployment(deployment);
console.log(JSON.stringify({ ...deployment, gasUsed: gasUsed.toString(), file: path }, null, 2));
