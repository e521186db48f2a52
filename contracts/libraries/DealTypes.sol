// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice Everything a deal fixed at match time. Only its digest is stored on-chain (see
/// DealHashing); the full struct is emitted in `DealCreated` and passed back in calldata by every
/// task operation, which the hub checks against the stored digest (the Uniswap v4 PoolKey
/// pattern). This keeps a match at about a third of PoCo's gas.
struct Deal {
    address app;
    address appOwner;
    uint256 appPrice;
    bytes32 mrenclave;
    address dataset;
    address datasetOwner;
    uint256 datasetPrice;
    address workerpool;
    address workerpoolOwner;
    address scheduler;
    uint256 workerpoolPrice;
    address requester;
    address sponsor;
    address beneficiary;
    address callback;
    bytes32 paramsHash;
    bytes32 tag;
    uint256 category;
    uint256 trust;
    uint256 timeRef;
    uint256 botFirst;
    uint256 botSize;
    uint256 startTime;
    uint256 workerpoolStake;
    uint256 workerStake;
    uint256 schedulerRewardRatio;
    bytes32 grantKey;
}

/// @notice Lifecycle of a task. A status only ever moves forward, with one exception: `reopen`
/// sends a Revealing task nobody revealed back to Active. Completed and Failed are final.
enum TaskStatus {
    Unset,
    Active,
    Revealing,
    Completed,
    Failed
}

/// @notice Lifecycle of one worker's contribution to a replicated task.
enum ContributionStatus {
    Unset,
    Contributed,
    Proved,
    Rejected
}

/// @notice What a worker (or its scheduler) submits to finish a trust-1 task in one transaction.
/// @param index Task index inside the deal's bag of tasks.
/// @param worker The worker that computed the result (paid the worker share).
/// @param resultDigest Digest of the result (hash of the encrypted result archive, or of
/// `callbackData` when the deal has a callback).
/// @param receiptHash Hash of the enclave-signed usage receipt (zero for non-TEE deals).
/// @param enclave The per-task enclave address (zero for non-TEE deals).
/// @param enclaveSignature The enclave's EIP-712 signature over (resultHash, resultSeal, receiptHash).
/// @param attestation A registered attestation verifier's EIP-712 signature over
/// (taskId, enclave, mrenclave).
/// @param results Where the (encrypted) result can be fetched; emitted, not stored.
/// @param callbackData Data handed to the deal's callback; must hash to `resultDigest`.
struct FastResult {
    uint256 index;
    address worker;
    bytes32 resultDigest;
    bytes32 receiptHash;
    address enclave;
    bytes enclaveSignature;
    bytes attestation;
    bytes results;
    bytes callbackData;
}

/// @notice A worker's vote in a replicated (trust > 1) task.
/// @param resultHash keccak256(taskId, resultDigest): the vote.
/// @param resultSeal keccak256(worker, taskId, resultDigest): proves knowledge of the digest.
struct ContributionInput {
    bytes32 resultHash;
    bytes32 resultSeal;
    bytes32 receiptHash;
    address enclave;
    bytes enclaveSignature;
    bytes attestation;
}

/// @notice A deal's on-chain record: its digest (keccak256(abi.encode(deal)) with the lowest bit
/// cleared) and, in that lowest bit, whether the deal's first task is final on the fast path
/// (trust 1: completed, or failed by a claim). The record is stored under the first task's id, so
/// the task's status is read from, and written to, a slot the deal already paid for.
library DealHashing {
    /// @dev The record bit: the first task of a trust-1 deal is final.
    bytes32 internal constant FIRST_TASK_FINAL = bytes32(uint256(1));

    function hash(Deal calldata deal) internal pure returns (bytes32) {
        return keccak256(abi.encode(deal)) & ~FIRST_TASK_FINAL;
    }

    function hashMemory(Deal memory deal) internal pure returns (bytes32) {
        return keccak256(abi.encode(deal)) & ~FIRST_TASK_FINAL;
    }

    function taskId(bytes32 dealId, uint256 index) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(dealId, index));
    }
}
