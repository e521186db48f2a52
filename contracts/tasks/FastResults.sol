// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Deal, FastResult, TaskStatus} from "../libraries/DealTypes.sol";
import {ITasks} from "../interfaces/ITasks.sol";
import {IEscrow} from "../interfaces/IEscrow.sol";
import {Ledger} from "../libraries/Ledger.sol";
import {Tags} from "../libraries/Tags.sol";
import {TaskBase} from "./TaskBase.sol";

/// @notice The trust-1 path: one transaction completes and pays a task (PoCo's
/// contributeAndFinalize), or a batch of tasks of one deal. For TEE deals the chain itself checks
/// the enclave's signature and the attestation verifier's statement.
abstract contract FastResults is TaskBase {
    using Ledger for Ledger.List;

    /// @inheritdoc ITasks
    function pushResult(
        bytes32 dealId,
        Deal calldata deal,
        FastResult calldata result,
        bytes calldata authorization
    ) external nonReentrant {
        bool firstTaskFinal = _checkDeal(dealId, deal);
        bytes32 taskId = _completeFast(
            dealId,
            deal,
            result,
            firstTaskFinal,
            msg.sender != deal.scheduler,
            authorization
        );
        uint256 workerReward = _fastWorkerReward(deal);
        Ledger.List memory ledger = Ledger.create(7);
        _addSuccess(ledger, deal, 1, taskId);
        ledger.add(IEscrow.MovementKind.Reward, result.worker, workerReward, taskId);
        _addSchedulerReward(ledger, deal, deal.workerpoolPrice - workerReward, taskId);
        _commit(ledger);
        _executeCallback(taskId, deal.callback, result.callbackData);
    }

    /// @inheritdoc ITasks
    function pushResults(
        bytes32 dealId,
        Deal calldata deal,
        FastResult[] calldata results
    ) external nonReentrant {
        bool firstTaskFinal = _checkDeal(dealId, deal);
        if (msg.sender != deal.scheduler) revert TaskNotScheduler(dealId, msg.sender);
        uint256 count = results.length;
        if (count == 0 || count > deal.botSize) revert TaskBatchInvalid(count);

        uint256 workerReward = _fastWorkerReward(deal);
        Ledger.List memory ledger = Ledger.create(count + 6);
        _addSuccess(ledger, deal, count, dealId);
        bytes32[] memory taskIds = new bytes32[](count);
        for (uint256 i = 0; i < count; ++i) {
            FastResult calldata r = results[i];
            bytes32 taskId = _completeFast(dealId, deal, r, firstTaskFinal, false, msg.data[0:0]);
            // A repeat of the first task in this batch must see it final.
            if (r.index == deal.botFirst) firstTaskFinal = true;
            taskIds[i] = taskId;
            ledger.add(IEscrow.MovementKind.Reward, r.worker, workerReward, taskId);
        }
        _addSchedulerReward(ledger, deal, (deal.workerpoolPrice - workerReward) * count, dealId);
        _commit(ledger);
        if (deal.callback != address(0)) {
            for (uint256 i = 0; i < count; ++i) {
                _executeCallback(taskIds[i], deal.callback, results[i].callbackData);
            }
        }
    }

    function _fastWorkerReward(Deal calldata deal) private pure returns (uint256) {
        return (deal.workerpoolPrice * (100 - deal.schedulerRewardRatio)) / 100;
    }

    /// @dev The first task of the deal keeps its outcome in the deal record (`firstTaskFinal`,
    /// also set by a claim), which `_checkDeal` has just read: completing it rewrites that warm
    /// slot instead of a fresh task slot (~18k gas less per deal). Other tasks use their slot.
    function _completeFast(
        bytes32 dealId,
        Deal calldata deal,
        FastResult calldata r,
        bool firstTaskFinal,
        bool authorizationRequired,
        bytes calldata authorization
    ) private returns (bytes32 taskId) {
        taskId = _taskIdOf(dealId, deal, r.index);
        if (deal.trust != 1) revert TaskTrustMismatch(taskId, deal.trust);
        bool first = r.index == deal.botFirst;
        Task storage task = _tasks[taskId];
        if (first) {
            if (firstTaskFinal) revert TaskStatusInvalid(taskId, _finalStatus(task.status));
        } else {
            TaskStatus status = task.status;
            // Trust-1 tasks never have contributors, so Unset or Active means "not done yet".
            if (status > TaskStatus.Active) revert TaskStatusInvalid(taskId, status);
        }
        _checkContributionOpen(taskId, deal);
        if (r.worker == address(0))
            revert TaskAuthorizationInvalid(taskId, r.worker, deal.scheduler);

        bytes32 resultHash = keccak256(abi.encodePacked(taskId, r.resultDigest));
        bytes32 resultSeal = keccak256(abi.encodePacked(r.worker, taskId, r.resultDigest));
        _checkCallbackData(deal, taskId, r.resultDigest, r.callbackData);
        if (authorizationRequired) {
            // Without an enclave nothing binds the result to the worker, so a relayer could copy the
            // authorization from a pending transaction and push another digest: only the worker
            // itself (or the scheduler) may send a non-TEE result.
            if (!Tags.isTee(deal.tag) && msg.sender != r.worker) {
                revert TaskAuthorizationInvalid(taskId, msg.sender, deal.scheduler);
            }
            _checkAuthorization(deal, taskId, r.worker, r.enclave, authorization);
        }
        _checkEnclave(
            deal,
            taskId,
            resultHash,
            resultSeal,
            r.receiptHash,
            r.enclave,
            r.enclaveSignature,
            r.attestation
        );

        if (first) _hub.markFirstTaskFinal(taskId);
        else task.status = TaskStatus.Completed;
        emit TaskCompleted(
            taskId,
            dealId,
            r.worker,
            r.index,
            r.resultDigest,
            r.receiptHash,
            r.enclave,
            r.results
        );
    }
}
