// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {vm} from "./utils/Vm.sol";
import {PolisBase} from "./utils/PolisBase.sol";
import {
    AppOrder,
    DatasetOrder,
    WorkerpoolOrder,
    RequestOrder
} from "../../../contracts/libraries/OrderTypes.sol";
import {
    Deal,
    TaskStatus,
    ContributionStatus,
    ContributionInput
} from "../../../contracts/libraries/DealTypes.sol";
import {ITasks} from "../../../contracts/interfaces/ITasks.sol";

/// @notice Fuzzes the replicated path against a reference model of PoCo's score-weighted
/// consensus (fresh workers weigh 2; a group weighs the product of its members' weights;
/// consensus when group * trust > (total + 1) * (trust - 1)), then settles the task and checks
/// that every token is accounted for.
contract ConsensusFuzzTest is PolisBase {
    bytes32 private constant TRUE = keccak256("true");
    bytes32 private constant LIE = keccak256("lie");

    function setUp() public {
        vm.warp(1_700_000_000);
        _deploy();
        _fund(requester, 1_000 * ONE);
        _fund(poolOwner, 1_000 * ONE);
        for (uint256 i = 0; i < WORKER_COUNT; ++i) _fund(_worker(i), 100 * ONE);
    }

    /// forge-config: default.fuzz.runs = 256
    function testFuzz_consensusFollowsTheModelAndSettlesConservingValue(
        uint8 trustSeed,
        uint8 voteBits,
        uint8 voterSeed,
        bool revealAll
    ) public {
        uint256 trust = bound(trustSeed, 2, 5);
        uint256 voters = bound(voterSeed, 1, WORKER_COUNT);
        AppOrder memory a = _appOrder(3 * ONE, 1);
        DatasetOrder memory d = _datasetOrder(2 * ONE, 1);
        WorkerpoolOrder memory w = _workerpoolOrder(5 * ONE, 1, trust);
        RequestOrder memory r = _requestOrder(a, d, w, 1, trust);
        (bytes32 dealId, Deal memory deal) = _match(a, d, w, r, requester);
        bytes32 taskId = _taskId(dealId, 0);

        // Reference model.
        uint256 groupTrue = 0;
        uint256 groupLie = 0;
        uint256 total = 0;
        uint256 consensusAt = type(uint256).max;
        for (uint256 i = 0; i < voters; ++i) {
            bool honest = (voteBits >> i) & 1 == 0;
            bytes32 digest = honest ? TRUE : LIE;
            address worker = _worker(i);
            ContributionInput memory input = _vote(worker, taskId, digest);
            vm.prank(worker);
            tm.contribute(dealId, deal, 0, input, _authorization(worker, taskId));
            uint256 before = honest ? groupTrue : groupLie;
            uint256 group = (before == 0 ? 1 : before) * 2;
            total += group - before;
            if (honest) groupTrue = group;
            else groupLie = group;
            if (group * trust > (total + 1) * (trust - 1)) {
                consensusAt = i;
                break;
            }
        }
        ITasks.TaskView memory task = tm.taskOf(taskId);
        uint256 contributors = consensusAt == type(uint256).max ? voters : consensusAt + 1;
        assertEq(task.contributorCount, contributors, "contributors");
        if (consensusAt == type(uint256).max) {
            assertEq(uint256(task.status), uint256(TaskStatus.Active), "no consensus");
            vm.warp(deal.startTime + 10 * TIME_REF);
            tm.claim(dealId, deal, 0);
            for (uint256 i = 0; i < contributors; ++i) {
                (, uint256 locked) = hub.accountOf(_worker(i));
                assertEq(locked, 0, "stake back after claim");
            }
        } else {
            bool winnerHonest = (voteBits >> consensusAt) & 1 == 0;
            bytes32 winning = winnerHonest ? TRUE : LIE;
            assertEq(uint256(task.status), uint256(TaskStatus.Revealing), "consensus");
            assertEq(task.consensusHash, keccak256(abi.encodePacked(taskId, winning)), "hash");
            uint256 winners = 0;
            for (uint256 i = 0; i < contributors; ++i) {
                if (((voteBits >> i) & 1 == 0) == winnerHonest) ++winners;
            }
            assertEq(task.winnerCount, winners, "winner count");
            _settle(dealId, deal, taskId, winning, winnerHonest, voteBits, contributors, revealAll);
        }
        _assertConserved();
    }

    function _settle(
        bytes32 dealId,
        Deal memory deal,
        bytes32 taskId,
        bytes32 winning,
        bool winnerHonest,
        uint8 voteBits,
        uint256 contributors,
        bool revealAll
    ) private {
        uint256 revealed = 0;
        for (uint256 i = 0; i < contributors; ++i) {
            bool isWinner = ((voteBits >> i) & 1 == 0) == winnerHonest;
            if (!isWinner || (!revealAll && revealed > 0)) continue;
            vm.prank(_worker(i));
            tm.reveal(taskId, winning);
            ++revealed;
        }
        if (revealed != tm.taskOf(taskId).winnerCount) vm.warp(tm.taskOf(taskId).revealDeadline);
        uint256[] memory scores = new uint256[](contributors);
        for (uint256 i = 0; i < contributors; ++i) scores[i] = tm.workerScore(_worker(i));
        vm.prank(poolOwner);
        tm.finalize(dealId, deal, 0, "", "");
        uint256 paid = 0;
        for (uint256 i = 0; i < contributors; ++i) {
            address worker = _worker(i);
            (uint256 free, uint256 locked) = hub.accountOf(worker);
            assertEq(locked, 0, "no stake left locked");
            bool proved = tm.contributionOf(taskId, worker).status == ContributionStatus.Proved;
            if (proved) {
                paid += free - 100 * ONE;
                assertEq(
                    tm.workerScore(worker),
                    scores[i] + (contributors > 1 ? 1 : 0),
                    "score up"
                );
            } else {
                assertEq(free, 100 * ONE - deal.workerStake, "seized");
                assertEq(tm.workerScore(worker), (scores[i] * 2) / 3, "score down");
            }
        }
        uint256 seized = (contributors - revealed) * deal.workerStake;
        assertLe(
            paid,
            ((deal.workerpoolPrice + seized) * 80) / 100,
            "workers paid at most their share"
        );
    }

    function _assertConserved() private view {
        uint256 sum = hub.kitty();
        address[5] memory parties = [requester, appOwner, datasetOwner, poolOwner, sponsor];
        for (uint256 i = 0; i < parties.length; ++i) {
            (uint256 free, uint256 locked) = hub.accountOf(parties[i]);
            sum += free + locked;
        }
        for (uint256 i = 0; i < WORKER_COUNT; ++i) {
            (uint256 free, uint256 locked) = hub.accountOf(_worker(i));
            sum += free + locked;
        }
        assertEq(sum, token.balanceOf(address(hub)), "escrow conserved");
    }
}
