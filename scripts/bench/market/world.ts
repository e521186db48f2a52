import { HDNodeWallet, NonceManager, Wallet, ZeroAddress, keccak256, toUtf8Bytes } from "ethers";
import type { JsonRpcProvider } from "ethers";
import { deployPolis } from "../../../src/sdk/deploy/deployPolis.js";
import { createClient } from "../../../src/sdk/client.js";
import type { PolisClient } from "../../../src/sdk/client.js";

export const ONE = 10n ** 18n;
const MNEMONIC = "test test test test test test test test test test test junk";

/** A funded actor: its key (for fast signing) and a nonce-managed signer. */
export interface Actor {
  address: string;
  privateKey: string;
  signer: NonceManager;
}

export interface World {
  client: PolisClient;
  governance: Actor;
  verifier: Wallet;
  appOwners: Actor[];
  datasetOwners: Actor[];
  poolOwners: Actor[];
  requesters: Actor[];
  workers: Actor[];
  apps: string[];
  datasets: string[];
  pools: string[];
  mrenclave: string;
}

function actor(provider: JsonRpcProvider, index: number): Actor {
  const w = HDNodeWallet.fromPhrase(MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`);
  return {
    address: w.address,
    privateKey: w.privateKey,
    signer: new NonceManager(new Wallet(w.privateKey, provider)),
  };
}

/** Deploys Polis on the chain, registers assets and funds the actors' escrow. */
export async function buildWorld(
  provider: JsonRpcProvider,
  counts = { apps: 20, datasets: 20, pools: 10 },
): Promise<World> {
  const governance = actor(provider, 0);
  const verifier = new Wallet(keccak256(toUtf8Bytes("bench verifier")));
  const { deployment } = await deployPolis(governance.signer, {
    faucetLimit: 10n ** 30n,
    attestationVerifiers: [verifier.address],
  });
  const client = await createClient({ provider, deployment });
  const appOwners = [1, 2].map((i) => actor(provider, i));
  const datasetOwners = [3, 4].map((i) => actor(provider, i));
  const poolOwners = [5, 6].map((i) => actor(provider, i));
  const requesters = [7, 8, 9, 10, 11].map((i) => actor(provider, i));
  const workers = [12, 13, 14].map((i) => actor(provider, i));
  const mrenclave = keccak256(toUtf8Bytes("bench enclave"));

  const apps: string[] = [];
  const datasets: string[] = [];
  const pools: string[] = [];
  const txs: Promise<unknown>[] = [];
  for (let i = 0; i < counts.apps; i++) {
    const owner = appOwners[i % appOwners.length];
    const params = {
      name: `bench-app-${i}`,
      uri: `ipfs://bench-app-${i}`,
      checksum: keccak256(toUtf8Bytes(`app ${i}`)),
      mrenclave,
      enclaveConfigHash: keccak256(toUtf8Bytes(`config ${i}`)),
    };
    apps.push(await client.appRegistry.predictApp(owner.address, params));
    txs.push(
      client.appRegistry
        .connect(owner.signer)
        .createApp(params)
        .then((t) => t.wait()),
    );
  }
  for (let i = 0; i < counts.datasets; i++) {
    const owner = datasetOwners[i % datasetOwners.length];
    const params = {
      name: `bench-dataset-${i}`,
      uri: `https://data.example/${i}`,
      checksum: keccak256(toUtf8Bytes(`data ${i}`)),
    };
    datasets.push(await client.datasetRegistry.predictDataset(owner.address, params));
    txs.push(
      client.datasetRegistry
        .connect(owner.signer)
        .createDataset(params)
        .then((t) => t.wait()),
    );
  }
  for (let i = 0; i < counts.pools; i++) {
    const owner = poolOwners[i % poolOwners.length];
    const params = {
      description: `bench-pool-${i}`,
      resourceClass: i % 3,
      location: "eu-west",
      workerStakeRatio: 30,
      schedulerRewardRatio: 20,
      scheduler: ZeroAddress,
    };
    pools.push(await client.workerpoolRegistry.predictWorkerpool(owner.address, params));
    txs.push(
      client.workerpoolRegistry
        .connect(owner.signer)
        .createWorkerpool(params)
        .then((t) => t.wait()),
    );
  }
  await Promise.all(txs);
  const amount = 10n ** 27n;
  await Promise.all(
    [...requesters, ...poolOwners, ...workers].map(async (a) => {
      await (await client.token.connect(a.signer).faucet(a.address, amount)).wait();
      await (
        await client.token
          .connect(a.signer)
          ["transferAndCall(address,uint256)"](deployment.hub, amount)
      ).wait();
    }),
  );
  return {
    client,
    governance,
    verifier,
    appOwners,
    datasetOwners,
    poolOwners,
    requesters,
    workers,
    apps,
    datasets,
    pools,
    mrenclave,
  };
}
