// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ITasks} from "../interfaces/ITasks.sol";
import {IResultReceiver} from "../interfaces/IResultReceiver.sol";
import {Deal, DealHashing, TaskStatus, ContributionStatus} from "../libraries/DealTypes.sol";
import {Signatures, SignatureStatus} from "../libraries/Signatures.sol";
import {Tags} from "../libraries/Tags.sol";
import {Ledger} from "../libraries/Ledger.sol";
import {IEscrow} from "../interfaces/IEscrow.sol";
import {TaskConfig} from "./TaskConfig.sol";

/// @notice Task state, deadlines, the proofs every result must carry, payments and callbacks:
/// what the fast path, the replicated path and claims share.
abstract contract TaskBase is ITasks, TaskConfig {
    using Ledger for Ledger.List;

    uint256 internal constant CONTRIBUTION_DEADLINE_RATIO = 7;
    uint256 internal constant REVEAL_DEADLINE_RATIO = 2;
    uint256 internal constant FINAL_DEADLINE_RATIO = 10;
    /// @notice Bound on contributors per task so that no loop can run out of gas.
    uint256 internal constant MAX_CONTRIBUTORS = 32;

    bytes32 internal constant WORKER_AUTHORIZATION_TYPEHASH = keccak256(
        "WorkerAuthorization(address worker,bytes32 taskId,address enclave)"
    );
    bytes32 internal constant ENCLAVE_RESULT_TYPEHASH = keccak256(
        "EnclaveResult(bytes32 resultHash,bytes32 resultSeal,bytes32 receiptHash)"
    );
    bytes32 internal constant ATTESTATION_STATEMENT_TYPEHASH = keccak256(
        "AttestationStatement(bytes32 taskId,address enclave,bytes32 mrenclave)"
    );

    /// @dev Slot 0 packs status, counters and the reveal deadline. `totalWeight` excludes the
    /// PoCo denominator seed of 1, which the consensus test adds back.
    struct Task {
        TaskStatus status;
        uint8 contributorCount;
        uint8 winnerCount;
        uint8 revealCount;
        uint64 revealDeadline;
        bytes32 consensusHash;
        bytes32 resultDigest;
        uint256 totalWeight;
        mapping(uint256 position => address worker) contributors;
    }

    struct Contribution {
        ContributionStatus status;
        uint8 weightLog;
        address enclave;
        bytes32 resultHash;
        bytes32 resultSeal;
    }

    mapping(bytes32 taskId => Task) internal _tasks;
    mapping(bytes32 taskId => mapping(address worker => Contribution)) internal _contributions;
    mapping(bytes32 taskId => mapping(bytes32 resultHash => uint256 weight)) internal _groupWeights;
    mapping(address worker => uint256 score) internal _scores;

    /// @inheritdoc ITasks
    function taskOf(bytes32 taskId) external view returns (TaskView memory) {
        Task storage t = _tasks[taskId];
        TaskStatus status = t.status;
        // The first task of a trust-1 deal is final once its deal record says so; a claim also
        // records Failed here, so the bit alone means Completed.
        if (
            status < TaskStatus.Completed &&
            _hub.dealRecord(taskId) & DealHashing.FIRST_TASK_FINAL != 0
        ) status = TaskStatus.Completed;
        return
            TaskView({
                status: status,
                contributorCount: t.contributorCount,
                winnerCount: t.winnerCount,
                revealCount: t.revealCount,
                revealDeadline: t.revealDeadline,
                consensusHash: t.consensusHash,
                resultDigest: t.resultDigest
            });
    }

    /// @inheritdoc ITasks
    function contributionOf(
        bytes32 taskId,
        address worker
    ) external view returns (ContributionView memory) {
        Contribution memory c = _contributions[taskId][worker];
        return ContributionView(c.status, c.weightLog, c.enclave, c.resultHash, c.resultSeal);
    }

    /// @inheritdoc ITasks
    function contributorsOf(bytes32 taskId) external view returns (address[] memory) {
        return _contributorsOf(_tasks[taskId]);
    }

    /// @inheritdoc ITasks
    function workerScore(address worker) external view returns (uint256) {
        return _scores[worker];
    }

    function _contributorsOf(Task storage task) internal view returns (address[] memory list) {
        uint256 count = task.contributorCount;
        list = new address[](count);
        for (uint256 i = 0; i < count; ++i) list[i] = task.contributors[i];
    }

    /// @dev Checks `deal` against its record; returns whether its first task is final on the fast
    /// path (meaningful for trust-1 deals only).
    function _checkDeal(
        bytes32 dealId,
        Deal calldata deal
    ) internal view returns (bool firstTaskFinal) {
        bytes32 record = _hub.dealRecord(DealHashing.taskId(dealId, deal.botFirst));
        if (record & ~DealHashing.FIRST_TASK_FINAL != DealHashing.hash(deal)) {
            revert DealUnknown(dealId);
        }
        return record & DealHashing.FIRST_TASK_FINAL != 0;
    }

    /// @dev Status of a first task whose deal record says final: Failed if a claim said so.
    function _finalStatus(TaskStatus stored) internal pure returns (TaskStatus) {
        return stored == TaskStatus.Failed ? stored : TaskStatus.Completed;
    }

    /// @dev Task id of `index`, which must lie in the deal's bag of tasks.
    function _taskIdOf(
        bytes32 dealId,
        Deal calldata deal,
        uint256 index
    ) internal pure returns (bytes32) {
        if (index < deal.botFirst || index >= deal.botFirst + deal.botSize) {
            revert TaskIndexOutOfRange(index, deal.botFirst, deal.botSize);
        }
        return DealHashing.taskId(dealId, index);
    }

    function _contributionDeadline(Deal calldata deal) internal pure returns (uint256) {
        return deal.startTime + deal.timeRef * CONTRIBUTION_DEADLINE_RATIO;
    }

    function _finalDeadline(Deal calldata deal) internal pure returns (uint256) {
        return deal.startTime + deal.timeRef * FINAL_DEADLINE_RATIO;
    }

    function _checkContributionOpen(bytes32 taskId, Deal calldata deal) internal view {
        uint256 deadline = _contributionDeadline(deal);
        if (block.timestamp >= deadline) revert TaskContributionDeadlinePassed(taskId, deadline);
    }

    /// @dev The scheduler vouches for (worker, task, enclave). Schedulers may be ERC-1271 wallets.
    function _checkAuthorization(
        Deal calldata deal,
        bytes32 taskId,
        address worker,
        address enclave,
        bytes calldata authorization
    ) internal view {
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(WORKER_AUTHORIZATION_TYPEHASH, worker, taskId, enclave))
        );
        if (
            worker == address(0) ||
            Signatures.check(deal.scheduler, digest, authorization) != SignatureStatus.Valid
        ) {
            revert TaskAuthorizationInvalid(taskId, worker, deal.scheduler);
        }
    }

    /// @dev For TEE deals: the enclave signed the result, and a registered attestation verifier
    /// vouched that this enclave runs the deal's measurement for this task. Other deals must not
    /// name an enclave.
    function _checkEnclave(
        Deal calldata deal,
        bytes32 taskId,
        bytes32 resultHash,
        bytes32 resultSeal,
        bytes32 receiptHash,
        address enclave,
        bytes calldata enclaveSignature,
        bytes calldata attestation
    ) internal view {
        if (!Tags.isTee(deal.tag)) {
            if (enclave != address(0)) revert TaskEnclaveInvalid(taskId, enclave);
            return;
        }
        if (enclave == address(0)) revert TaskEnclaveInvalid(taskId, enclave);
        bytes32 resultDigest = _hashTypedDataV4(
            keccak256(abi.encode(ENCLAVE_RESULT_TYPEHASH, resultHash, resultSeal, receiptHash))
        );
        if (Signatures.recover(resultDigest, enclaveSignature) != enclave) {
            revert TaskEnclaveSignatureInvalid(taskId, enclave);
        }
        bytes32 statement = _hashTypedDataV4(
            keccak256(abi.encode(ATTESTATION_STATEMENT_TYPEHASH, taskId, enclave, deal.mrenclave))
        );
        address verifier = Signatures.recover(statement, attestation);
        if (verifier == address(0) || !isAttestationVerifier(verifier)) {
            revert TaskAttestationInvalid(taskId, verifier);
        }
    }

    function _checkCallbackData(
        Deal calldata deal,
        bytes32 taskId,
        bytes32 resultDigest,
        bytes calldata callbackData
    ) internal pure {
        bool valid =
            deal.callback == address(0)
                ? callbackData.length == 0
                : keccak256(callbackData) == resultDigest;
        if (!valid) revert TaskCallbackDataInvalid(taskId);
    }

    /// @dev Payments common to every completed task, for `count` tasks at once: the sponsor's
    /// locked price is seized, app and dataset owners are paid and the pool stake is released.
    /// The workerpool price stays in flight for the caller to hand out: worker rewards, then
    /// {_addSchedulerReward}.
    function _addSuccess(
        Ledger.List memory ledger,
        Deal calldata deal,
        uint256 count,
        bytes32 ref
    ) internal pure {
        uint256 taskPrice = deal.appPrice + deal.datasetPrice + deal.workerpoolPrice;
        ledger.add(IEscrow.MovementKind.Seize, deal.sponsor, taskPrice * count, ref);
        ledger.add(IEscrow.MovementKind.Reward, deal.appOwner, deal.appPrice * count, ref);
        ledger.add(IEscrow.MovementKind.Reward, deal.datasetOwner, deal.datasetPrice * count, ref);
        ledger.add(
            IEscrow.MovementKind.Unlock,
            deal.workerpoolOwner,
            deal.workerpoolStake * count,
            ref
        );
    }

    /// @dev The scheduler's share and a kitty share, both to the pool owner.
    function _addSchedulerReward(
        Ledger.List memory ledger,
        Deal calldata deal,
        uint256 amount,
        bytes32 ref
    ) internal pure {
        ledger.add(IEscrow.MovementKind.Reward, deal.workerpoolOwner, amount, ref);
        ledger.add(IEscrow.MovementKind.DrainKittyTo, deal.workerpoolOwner, 0, ref);
    }

    function _commit(Ledger.List memory ledger) internal {
        ledger.commit(_hub);
    }

    /// @dev Calls the deal's callback with exactly `callbackGas` gas, ignoring its outcome and
    /// copying no return data. Reverts if the caller did not forward enough gas for the callee to
    /// get the full cap (EIP-150 keeps 1/64 back), so nobody can starve a callback.
    function _executeCallback(bytes32 taskId, address target, bytes calldata data) internal {
        if (target == address(0)) return;
        bytes memory payload = abi.encodeCall(IResultReceiver.receiveResult, (taskId, data));
        // Checked after encoding the payload (whose memory cost grows with the data), right before
        // the call: 5,000 covers the call's own cost, so the callee gets the full cap.
        uint256 gasCap = callbackGas();
        uint256 required = gasCap + gasCap / 63 + 5_000;
        if (gasleft() < required) revert CallbackGasInsufficient(gasleft(), required);
        bool success;
        assembly ("memory-safe") {
            success := call(gasCap, target, 0, add(payload, 0x20), mload(payload), 0, 0)
        }
        emit CallbackExecuted(taskId, target, success);
    }
}
