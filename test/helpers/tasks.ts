import { Wallet, ZeroAddress, ZeroHash, keccak256, toUtf8Bytes } from "ethers";
import type { BaseWallet, Signer } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  resultHash,
  resultSeal,
  signAttestationStatement,
  signEnclaveResult,
  signWorkerAuthorization,
  taskId as computeTaskId,
} from "../../src/core/index.js";
import type { Deal } from "../../src/core/index.js";
import { networkHelpers, type PolisFixture } from "./fixture.js";

/** A recognisable result digest. */
export function digestOf(label: string): string {
  return keccak256(toUtf8Bytes(label));
}

export interface ContributionInput {
  resultHash: string;
  resultSeal: string;
  receiptHash: string;
  enclave: string;
  enclaveSignature: string;
  attestation: string;
}

export interface Contribution {
  taskId: string;
  digest: string;
  input: ContributionInput;
  authorization: string;
  enclave?: BaseWallet;
}

export interface ContributionOptions {
  /** Who signs the authorization (default: the pool owner). */
  scheduler?: Signer;
  /** Default: whether the deal is TEE. */
  tee?: boolean;
}

/** A replicated-path vote for `digest` by `worker`, with the scheduler's authorization (and, for
 * TEE deals, a fresh enclave's signature and the registered verifier's statement). */
export async function contribution(
  f: PolisFixture,
  dealId: string,
  deal: Deal,
  index: bigint,
  worker: string,
  digest: string,
  opts: ContributionOptions = {},
): Promise<Contribution> {
  const taskId = computeTaskId(dealId, index);
  const tee = opts.tee ?? (BigInt(deal.tag) & 1n) === 1n;
  const enclave = tee ? Wallet.createRandom() : undefined;
  const hash = resultHash(taskId, digest);
  const seal = resultSeal(worker, taskId, digest);
  const receiptHash = tee ? keccak256(toUtf8Bytes(`receipt ${worker}`)) : ZeroHash;
  return {
    taskId,
    digest,
    enclave,
    authorization: await signWorkerAuthorization(
      opts.scheduler ?? f.actors.poolOwner,
      f.taskDomain,
      {
        worker,
        taskId,
        enclave: enclave?.address ?? ZeroAddress,
      },
    ),
    input: {
      resultHash: hash,
      resultSeal: seal,
      receiptHash,
      enclave: enclave?.address ?? ZeroAddress,
      enclaveSignature: enclave
        ? await signEnclaveResult(enclave, f.taskDomain, {
            resultHash: hash,
            resultSeal: seal,
            receiptHash,
          })
        : "0x",
      attestation: enclave
        ? await signAttestationStatement(f.verifier, f.taskDomain, {
            taskId,
            enclave: enclave.address,
            mrenclave: deal.mrenclave,
          })
        : "0x",
    },
  };
}

/** Sends `worker`'s vote for `digest` and waits for it. */
export async function contribute(
  f: PolisFixture,
  dealId: string,
  deal: Deal,
  index: bigint,
  worker: HardhatEthersSigner,
  digest: string,
  opts: ContributionOptions = {},
) {
  const c = await contribution(f, dealId, deal, index, worker.address, digest, opts);
  await (
    await f.taskManager.connect(worker).contribute(dealId, deal, index, c.input, c.authorization)
  ).wait();
  return c;
}

/** Moves the chain clock so that the next block is mined at `timestamp`. */
export async function nextBlockAt(timestamp: bigint): Promise<void> {
  await networkHelpers.time.setNextBlockTimestamp(timestamp);
}

/** Mines a block at `timestamp`. */
export async function mineAt(timestamp: bigint): Promise<void> {
  await networkHelpers.time.increaseTo(timestamp);
}

/** Mirrors the Solidity `TaskStatus` enum. */
export enum TaskStatus {
  Unset = 0,
  Active = 1,
  Revealing = 2,
  Completed = 3,
  Failed = 4,
}

/** Mirrors the Solidity `ContributionStatus` enum. */
export enum ContributionStatus {
  Unset = 0,
  Contributed = 1,
  Proved = 2,
  Rejected = 3,
}
