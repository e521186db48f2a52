// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {
    Deal,
    FastResult,
    ContributionInput,
    TaskStatus,
    ContributionStatus
} from "../libraries/DealTypes.sol";

/// @notice Task execution: the trust-1 fast path (one transaction per task, or per batch), the
/// replicated path (contribute, reveal, finalize with score-weighted consensus), and claims.
/// @dev Task operations take the deal struct in calldata and check it against the stored hash.
interface ITasks {
    struct TaskView {
        TaskStatus status;
        uint8 contributorCount;
        uint8 winnerCount;
        uint8 revealCount;
        uint64 revealDeadline;
        bytes32 consensusHash;
        bytes32 resultDigest;
    }

    struct ContributionView {
        ContributionStatus status;
        uint8 weightLog;
        address enclave;
        bytes32 resultHash;
        bytes32 resultSeal;
    }

    /// @notice The deal struct does not match the stored hash, or the deal does not exist.
    error DealUnknown(bytes32 dealId);
    error TaskIndexOutOfRange(uint256 index, uint256 botFirst, uint256 botSize);
    /// @notice The task is not in a status that allows this operation.
    error TaskStatusInvalid(bytes32 taskId, TaskStatus status);
    /// @notice The fast path needs trust 1; contribute/reveal need trust > 1.
    error TaskTrustMismatch(bytes32 taskId, uint256 trust);
    error TaskContributionDeadlinePassed(bytes32 taskId, uint256 deadline);
    error TaskRevealDeadlinePassed(bytes32 taskId, uint256 deadline);
    error TaskFinalDeadlinePassed(bytes32 taskId, uint256 deadline);
    error TaskFinalDeadlineNotReached(bytes32 taskId, uint256 deadline);
    /// @notice The scheduler's signature over (worker, task, enclave) is missing or wrong, or a
    /// non-TEE fast-path result is sent by someone other than its worker or the scheduler (then
    /// `worker` is the sender).
    error TaskAuthorizationInvalid(bytes32 taskId, address worker, address scheduler);
    /// @notice TEE deals require an enclave; other deals must not name one.
    error TaskEnclaveInvalid(bytes32 taskId, address enclave);
    error TaskEnclaveSignatureInvalid(bytes32 taskId, address enclave);
    /// @notice The attestation statement is not signed by a registered verifier for this task,
    /// enclave and the deal's app measurement.
    error TaskAttestationInvalid(bytes32 taskId, address signer);
    /// @notice With a callback the callback data must hash to the result digest; without one it
    /// must be empty.
    error TaskCallbackDataInvalid(bytes32 taskId);
    error TaskAlreadyContributed(bytes32 taskId, address worker);
    error TaskContributorsFull(bytes32 taskId, uint256 max);
    error TaskNotScheduler(bytes32 dealId, address caller);
    /// @notice The reveal does not match the worker's contribution (hash or seal), or the worker
    /// is not among the consensus winners.
    error TaskRevealInvalid(bytes32 taskId, address worker);
    /// @notice Finalize needs every winner revealed, or at least one after the reveal deadline.
    error TaskFinalizeNotReady(bytes32 taskId);
    /// @notice Reopen needs the reveal deadline passed with no reveal at all.
    error TaskReopenNotAllowed(bytes32 taskId);
    error TaskBatchInvalid(uint256 length);
    /// @notice Not enough gas was forwarded to guarantee the callback its full gas cap.
    error CallbackGasInsufficient(uint256 available, uint256 required);

    event TaskInitialized(bytes32 indexed taskId, bytes32 indexed dealId, uint256 index);
    /// @notice A worker's result: the vote (replicated) or the proof (fast path).
    event TaskContributed(
        bytes32 indexed taskId,
        address indexed worker,
        bytes32 resultHash,
        address enclave,
        bytes32 receiptHash
    );
    event TaskConsensusReached(
        bytes32 indexed taskId,
        bytes32 consensusHash,
        uint64 revealDeadline
    );
    event TaskRevealed(bytes32 indexed taskId, address indexed worker, bytes32 resultDigest);
    event TaskReopened(bytes32 indexed taskId);
    /// @notice The task's result is final and everyone is paid. On the fast path `worker`,
    /// `enclave` and `receiptHash` identify who computed it; on the replicated path they are zero
    /// (see the TaskContributed events).
    event TaskCompleted(
        bytes32 indexed taskId,
        bytes32 indexed dealId,
        address indexed worker,
        uint256 index,
        bytes32 resultDigest,
        bytes32 receiptHash,
        address enclave,
        bytes results
    );
    /// @notice Claimed after the final deadline: the sponsor is refunded.
    event TaskFailed(bytes32 indexed taskId, bytes32 indexed dealId, uint256 index);
    event WorkerScoreUpdated(address indexed worker, uint256 score, bytes32 indexed taskId);
    event CallbackExecuted(bytes32 indexed taskId, address indexed callback, bool success);

    /// @notice Activates a replicated task (contribute also does it lazily).
    function initialize(
        bytes32 dealId,
        Deal calldata deal,
        uint256 index
    ) external returns (bytes32);

    /// @notice Fast path (trust 1): a worker, or the scheduler, completes a task in one transaction.
    /// Pays everyone at once. `authorization` is the scheduler's signature over
    /// (worker, task, enclave); it may be empty when the scheduler itself sends. Anyone may relay
    /// a TEE result (the enclave's signature binds it to the worker); a non-TEE result must be
    /// sent by its worker or the scheduler.
    function pushResult(
        bytes32 dealId,
        Deal calldata deal,
        FastResult calldata result,
        bytes calldata authorization
    ) external;

    /// @notice Fast path for many tasks of one deal in one transaction, sent by the scheduler.
    function pushResults(
        bytes32 dealId,
        Deal calldata deal,
        FastResult[] calldata results
    ) external;

    /// @notice Replicated path: a worker's vote, with the scheduler's authorization.
    function contribute(
        bytes32 dealId,
        Deal calldata deal,
        uint256 index,
        ContributionInput calldata input,
        bytes calldata authorization
    ) external;

    /// @notice Replicated path: a consensus winner discloses its digest.
    function reveal(bytes32 taskId, bytes32 resultDigest) external;

    /// @notice Replicated path: rejects a consensus nobody revealed so workers can contribute again.
    function reopen(bytes32 dealId, Deal calldata deal, uint256 index) external;

    /// @notice Replicated path: the scheduler closes the task and pays everyone.
    function finalize(
        bytes32 dealId,
        Deal calldata deal,
        uint256 index,
        bytes calldata results,
        bytes calldata callbackData
    ) external;

    /// @notice After the final deadline anyone may fail an unfinished task; the sponsor is refunded.
    function claim(bytes32 dealId, Deal calldata deal, uint256 index) external;

    function claimBatch(bytes32 dealId, Deal calldata deal, uint256[] calldata indices) external;

    /// @notice A task's state. The fast-path outcome of a deal's first task lives in the hub's
    /// deal record (see DealHashing); this view merges it in, so callers need not know.
    function taskOf(bytes32 taskId) external view returns (TaskView memory);

    function contributionOf(
        bytes32 taskId,
        address worker
    ) external view returns (ContributionView memory);

    function contributorsOf(bytes32 taskId) external view returns (address[] memory);

    function workerScore(address worker) external view returns (uint256);
}
