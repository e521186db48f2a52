// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ITasks} from "../interfaces/ITasks.sol";
import {Deal, ContributionInput, TaskStatus, ContributionStatus} from "../libraries/DealTypes.sol";
import {IEscrow} from "../interfaces/IEscrow.sol";
import {Ledger} from "../libraries/Ledger.sol";
import {TaskBase} from "./TaskBase.sol";

/// @notice The replicated path (trust > 1): workers contribute a vote and a seal, a score-weighted
/// consensus picks the result (Sarmenta's credibility as in PoCo), winners reveal, the scheduler
/// finalizes. Liars and non-revealers lose their stake and a third of their score.
abstract contract Replication is TaskBase {
    using Ledger for Ledger.List;

    /// @inheritdoc ITasks
    function initialize(
        bytes32 dealId,
        Deal calldata deal,
        uint256 index
    ) external nonReentrant returns (bytes32 taskId) {
        _checkDeal(dealId, deal);
        taskId = _taskIdOf(dealId, deal, index);
        TaskStatus status = _tasks[taskId].status;
        if (status != TaskStatus.Unset) revert TaskStatusInvalid(taskId, status);
        _activate(taskId, dealId, index);
    }

    /// @inheritdoc ITasks
    function contribute(
        bytes32 dealId,
        Deal calldata deal,
        uint256 index,
        ContributionInput calldata input,
        bytes calldata authorization
    ) external nonReentrant {
        _checkDeal(dealId, deal);
        bytes32 taskId = _taskIdOf(dealId, deal, index);
        if (deal.trust < 2) revert TaskTrustMismatch(taskId, deal.trust);
        Task storage task = _tasks[taskId];
        if (task.status == TaskStatus.Unset) _activate(taskId, dealId, index);
        if (task.status != TaskStatus.Active) revert TaskStatusInvalid(taskId, task.status);
        _checkContributionOpen(taskId, deal);

        Contribution storage c = _contributions[taskId][msg.sender];
        if (c.status != ContributionStatus.Unset) revert TaskAlreadyContributed(taskId, msg.sender);
        uint256 position = task.contributorCount;
        if (position >= MAX_CONTRIBUTORS) {
            revert TaskContributorsFull(taskId, MAX_CONTRIBUTORS);
        }
        _checkAuthorization(deal, taskId, msg.sender, input.enclave, authorization);
        _checkEnclave(
            deal,
            taskId,
            input.resultHash,
            input.resultSeal,
            input.receiptHash,
            input.enclave,
            input.enclaveSignature,
            input.attestation
        );

        // Credibility weight from the score (k = 3): fresh workers weigh 2.
        uint256 weight = Math.max(_scores[msg.sender] / 3, 3) - 1;
        c.status = ContributionStatus.Contributed;
        c.weightLog = uint8(Math.log2(weight));
        c.enclave = input.enclave;
        c.resultHash = input.resultHash;
        c.resultSeal = input.resultSeal;
        task.contributors[position] = msg.sender;
        // Cannot truncate: position < MAX_CONTRIBUTORS.
        task.contributorCount = uint8(position + 1);
        if (deal.workerStake != 0) {
            Ledger.List memory ledger = Ledger.create(1);
            ledger.add(IEscrow.MovementKind.Lock, msg.sender, deal.workerStake, taskId);
            _commit(ledger);
        }
        emit TaskContributed(
            taskId,
            msg.sender,
            input.resultHash,
            input.enclave,
            input.receiptHash
        );

        // A group's weight is the product of its members' weights.
        uint256 group = _groupWeights[taskId][input.resultHash];
        uint256 delta = Math.max(group, 1) * weight - group;
        group += delta;
        _groupWeights[taskId][input.resultHash] = group;
        uint256 total = task.totalWeight + delta;
        task.totalWeight = total;
        if (group * deal.trust > (total + 1) * (deal.trust - 1)) {
            _reachConsensus(taskId, task, input.resultHash, deal.timeRef);
        }
    }

    /// @inheritdoc ITasks
    function reveal(bytes32 taskId, bytes32 resultDigest) external nonReentrant {
        Task storage task = _tasks[taskId];
        if (task.status != TaskStatus.Revealing) revert TaskStatusInvalid(taskId, task.status);
        if (block.timestamp >= task.revealDeadline) {
            revert TaskRevealDeadlinePassed(taskId, task.revealDeadline);
        }
        Contribution storage c = _contributions[taskId][msg.sender];
        if (
            c.status != ContributionStatus.Contributed ||
            c.resultHash != task.consensusHash ||
            c.resultHash != keccak256(abi.encodePacked(taskId, resultDigest)) ||
            c.resultSeal != keccak256(abi.encodePacked(msg.sender, taskId, resultDigest))
        ) revert TaskRevealInvalid(taskId, msg.sender);

        c.status = ContributionStatus.Proved;
        // Cannot overflow: revealCount <= winnerCount <= MAX_CONTRIBUTORS.
        unchecked {
            task.revealCount += 1;
        }
        task.resultDigest = resultDigest;
        emit TaskRevealed(taskId, msg.sender, resultDigest);
    }

    /// @inheritdoc ITasks
    function reopen(bytes32 dealId, Deal calldata deal, uint256 index) external nonReentrant {
        _checkDeal(dealId, deal);
        if (msg.sender != deal.scheduler) revert TaskNotScheduler(dealId, msg.sender);
        bytes32 taskId = _taskIdOf(dealId, deal, index);
        Task storage task = _tasks[taskId];
        if (task.status != TaskStatus.Revealing) revert TaskStatusInvalid(taskId, task.status);
        if (
            block.timestamp < task.revealDeadline ||
            task.revealCount != 0 ||
            block.timestamp >= _finalDeadline(deal)
        ) revert TaskReopenNotAllowed(taskId);

        bytes32 consensus = task.consensusHash;
        uint256 count = task.contributorCount;
        for (uint256 i = 0; i < count; ++i) {
            Contribution storage c = _contributions[taskId][task.contributors[i]];
            if (c.resultHash == consensus) c.status = ContributionStatus.Rejected;
        }
        task.totalWeight -= _groupWeights[taskId][consensus];
        _groupWeights[taskId][consensus] = 0;
        task.status = TaskStatus.Active;
        task.consensusHash = bytes32(0);
        task.revealDeadline = 0;
        task.winnerCount = 0;
        emit TaskReopened(taskId);
    }

    /// @inheritdoc ITasks
    function finalize(
        bytes32 dealId,
        Deal calldata deal,
        uint256 index,
        bytes calldata results,
        bytes calldata callbackData
    ) external nonReentrant {
        _checkDeal(dealId, deal);
        if (msg.sender != deal.scheduler) revert TaskNotScheduler(dealId, msg.sender);
        bytes32 taskId = _taskIdOf(dealId, deal, index);
        Task storage task = _tasks[taskId];
        if (task.status != TaskStatus.Revealing) revert TaskStatusInvalid(taskId, task.status);
        uint256 finalDeadline = _finalDeadline(deal);
        if (block.timestamp >= finalDeadline) revert TaskFinalDeadlinePassed(taskId, finalDeadline);
        uint256 revealCount = task.revealCount;
        if (
            revealCount != task.winnerCount &&
            (revealCount == 0 || block.timestamp < task.revealDeadline)
        ) revert TaskFinalizeNotReady(taskId);
        bytes32 resultDigest = task.resultDigest;
        _checkCallbackData(deal, taskId, resultDigest, callbackData);

        task.status = TaskStatus.Completed;
        Ledger.List memory ledger = Ledger.create(3 * uint256(task.contributorCount) + 6);
        _distributeRewards(ledger, taskId, task, deal);
        _commit(ledger);
        emit TaskCompleted(
            taskId,
            dealId,
            address(0),
            index,
            resultDigest,
            bytes32(0),
            address(0),
            results
        );
        _executeCallback(taskId, deal.callback, callbackData);
    }

    function _activate(bytes32 taskId, bytes32 dealId, uint256 index) private {
        _tasks[taskId].status = TaskStatus.Active;
        emit TaskInitialized(taskId, dealId, index);
    }

    function _reachConsensus(
        bytes32 taskId,
        Task storage task,
        bytes32 consensus,
        uint256 timeRef
    ) private {
        uint256 count = task.contributorCount;
        uint256 winners = 0;
        for (uint256 i = 0; i < count; ++i) {
            Contribution storage c = _contributions[taskId][task.contributors[i]];
            if (c.resultHash == consensus && c.status == ContributionStatus.Contributed) ++winners;
        }
        // Cannot truncate: timeRef < 2^32 (see Config), so this stays far below 2^64.
        uint64 revealDeadline = uint64(block.timestamp + timeRef * REVEAL_DEADLINE_RATIO);
        task.status = TaskStatus.Revealing;
        task.consensusHash = consensus;
        task.revealDeadline = revealDeadline;
        task.revealCount = 0;
        // Cannot truncate: winners <= MAX_CONTRIBUTORS.
        task.winnerCount = uint8(winners);
        emit TaskConsensusReached(taskId, consensus, revealDeadline);
    }

    /// @dev Pays revealers in proportion to their log-weight from the workerpool price plus the
    /// stakes of those who did not prove the consensus; those are seized and lose a third of their
    /// score. The scheduler gets what is left. Seizes are queued before rewards so the hub can
    /// check that every reward is covered.
    function _distributeRewards(
        Ledger.List memory ledger,
        bytes32 taskId,
        Task storage task,
        Deal calldata deal
    ) private {
        address[] memory contributors = _contributorsOf(task);
        uint256 count = contributors.length;
        uint256 stake = deal.workerStake;
        uint256 totalReward = deal.workerpoolPrice;
        uint256 totalLogWeight = 0;
        for (uint256 i = 0; i < count; ++i) {
            address worker = contributors[i];
            Contribution storage c = _contributions[taskId][worker];
            if (c.status == ContributionStatus.Proved) {
                totalLogWeight += c.weightLog;
            } else {
                totalReward += stake;
                ledger.add(IEscrow.MovementKind.Seize, worker, stake, taskId);
                _setScore(worker, (_scores[worker] * 2) / 3, taskId);
            }
        }
        _addSuccess(ledger, deal, 1, taskId);
        uint256 workersReward = (totalReward * (100 - deal.schedulerRewardRatio)) / 100;
        for (uint256 i = 0; i < count; ++i) {
            address worker = contributors[i];
            Contribution storage c = _contributions[taskId][worker];
            if (c.status != ContributionStatus.Proved) continue;
            uint256 share = Math.mulDiv(workersReward, c.weightLog, totalLogWeight);
            totalReward -= share;
            ledger.add(IEscrow.MovementKind.Unlock, worker, stake, taskId);
            ledger.add(IEscrow.MovementKind.Reward, worker, share, taskId);
            if (count > 1) _setScore(worker, _scores[worker] + 1, taskId);
        }
        _addSchedulerReward(ledger, deal, totalReward, taskId);
    }

    function _setScore(address worker, uint256 score, bytes32 taskId) private {
        _scores[worker] = score;
        emit WorkerScoreUpdated(worker, score, taskId);
    }
}
