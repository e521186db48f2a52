// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ITasks} from "../interfaces/ITasks.sol";
import {Deal, TaskStatus} from "../libraries/DealTypes.sol";
import {IEscrow} from "../interfaces/IEscrow.sol";
import {Ledger} from "../libraries/Ledger.sol";
import {TaskBase} from "./TaskBase.sol";

/// @notice After a task's final deadline anyone can fail it: the sponsor gets its price back, the
/// pool's stake for the task fills the kitty, contributors get their stakes back.
abstract contract Claims is TaskBase {
    using Ledger for Ledger.List;

    /// @inheritdoc ITasks
    function claim(bytes32 dealId, Deal calldata deal, uint256 index) external nonReentrant {
        bool firstTaskFinal = _checkDeal(dealId, deal);
        Ledger.List memory ledger = Ledger.create(4);
        _claim(ledger, dealId, deal, index, firstTaskFinal);
        _commit(ledger);
    }

    /// @inheritdoc ITasks
    function claimBatch(
        bytes32 dealId,
        Deal calldata deal,
        uint256[] calldata indices
    ) external nonReentrant {
        bool firstTaskFinal = _checkDeal(dealId, deal);
        if (indices.length == 0 || indices.length > deal.botSize) {
            revert TaskBatchInvalid(indices.length);
        }
        Ledger.List memory ledger = Ledger.create(3 * indices.length + 4);
        for (uint256 i = 0; i < indices.length; ++i) {
            _claim(ledger, dealId, deal, indices[i], firstTaskFinal);
        }
        _commit(ledger);
    }

    function _claim(
        Ledger.List memory ledger,
        bytes32 dealId,
        Deal calldata deal,
        uint256 index,
        bool firstTaskFinal
    ) private {
        bytes32 taskId = _taskIdOf(dealId, deal, index);
        Task storage task = _tasks[taskId];
        TaskStatus status = task.status;
        // The first task of a trust-1 deal may be final in its deal record only (see FastResults).
        bool inRecord = deal.trust == 1 && index == deal.botFirst;
        if (inRecord && firstTaskFinal) status = _finalStatus(status);
        if (status >= TaskStatus.Completed) revert TaskStatusInvalid(taskId, status);
        uint256 deadline = _finalDeadline(deal);
        if (block.timestamp < deadline) revert TaskFinalDeadlineNotReached(taskId, deadline);

        task.status = TaskStatus.Failed;
        if (inRecord) _hub.markFirstTaskFinal(taskId);
        uint256 taskPrice = deal.appPrice + deal.datasetPrice + deal.workerpoolPrice;
        ledger.add(IEscrow.MovementKind.Unlock, deal.sponsor, taskPrice, taskId);
        ledger.add(IEscrow.MovementKind.Seize, deal.workerpoolOwner, deal.workerpoolStake, taskId);
        ledger.add(IEscrow.MovementKind.FillKitty, address(0), deal.workerpoolStake, taskId);
        uint256 count = task.contributorCount;
        uint256 workerStake = deal.workerStake;
        for (uint256 i = 0; i < count; ++i) {
            ledger.add(IEscrow.MovementKind.Unlock, task.contributors[i], workerStake, taskId);
        }
        emit TaskFailed(taskId, dealId, index);
    }
}
