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
    FastResult,
    ContributionInput
} from "../../../contracts/libraries/DealTypes.sol";

/// @notice Drives random sequences of market operations (deposits, withdrawals, matches, fast and
/// replicated results, reveals, finalizations, reopens, claims, cancels, time) with a fixed cast
/// of actors, and keeps ghost records for the invariants. Every action swallows its own reverts:
/// refused operations are part of the sequence.
contract MarketHandler is PolisBase {
    struct DealRecord {
        bytes32 id;
        Deal deal;
    }

    bytes32 private constant TRUE = keccak256("true");
    bytes32 private constant LIE = keccak256("lie");

    DealRecord[] private _deals;
    bytes32[] public orderHashes;
    uint256[] public orderVolumes;
    /// @dev Ground truth: volume each order gave to deals, summed from the deals themselves.
    mapping(bytes32 orderHash => uint256) public used;
    bool public statusRegressed;
    uint256 public calls;
    mapping(bytes32 taskId => TaskStatus) private _lastStatus;
    mapping(bytes32 taskId => bool) private _reopened;

    AppOrder private _app;
    DatasetOrder private _dataset;
    WorkerpoolOrder private _pool;

    constructor() {
        vm.warp(1_700_000_000);
        _deploy();
        _fund(requester, 2_000 * ONE);
        _fund(sponsor, 500 * ONE);
        _fund(poolOwner, 2_000 * ONE);
        for (uint256 i = 0; i < WORKER_COUNT; ++i) _fund(_worker(i), 50 * ONE);
        _app = _appOrder(3 * ONE, 60);
        _dataset = _datasetOrder(2 * ONE, 60);
        _pool = _workerpoolOrder(5 * ONE, 60, 3);
        _track(hub.hashAppOrder(_app), _app.volume);
        _track(hub.hashDatasetOrder(_dataset), _dataset.volume);
        _track(hub.hashWorkerpoolOrder(_pool), _pool.volume);
    }

    // ---------------------------------------------------------------- actions

    function deposit(uint256 actorSeed, uint256 amount) external {
        _fund(_actor(actorSeed), bound(amount, 1, 100 * ONE));
        _after();
    }

    function withdraw(uint256 actorSeed, uint256 amount) external {
        address who = _actor(actorSeed);
        (uint256 free, ) = hub.accountOf(who);
        vm.prank(who);
        try hub.withdraw(bound(amount, 1, free + 1)) {} catch {}
        _after();
    }

    function matchDeal(uint256 volumeSeed, bool replicated, bool sponsored) external {
        if (_deals.length >= 12) return;
        RequestOrder memory r = _requestOrder(
            _app,
            _dataset,
            _pool,
            bound(volumeSeed, 1, 3),
            replicated ? 3 : 1
        );
        _track(hub.hashRequestOrder(r), r.volume);
        address payer = sponsored ? sponsor : requester;
        if (hub.estimateMatch(_app, _dataset, _pool, r, payer).failure.length != 0) return;
        (bytes32 id, Deal memory deal) = _match(_app, _dataset, _pool, r, payer);
        _deals.push(DealRecord(id, deal));
        used[hub.hashAppOrder(_app)] += deal.botSize;
        used[hub.hashDatasetOrder(_dataset)] += deal.botSize;
        used[hub.hashWorkerpoolOrder(_pool)] += deal.botSize;
        used[hub.hashRequestOrder(r)] += deal.botSize;
        _after();
    }

    function cancelRequest(uint256 volumeSeed) external {
        RequestOrder memory r = _requestOrder(_app, _dataset, _pool, bound(volumeSeed, 1, 3), 1);
        _track(hub.hashRequestOrder(r), r.volume);
        vm.prank(requester);
        hub.cancelRequestOrder(r, "");
        _after();
    }

    function pushResult(
        uint256 dealSeed,
        uint256 indexSeed,
        uint256 workerSeed,
        bool bySched
    ) external {
        (bool found, DealRecord memory d, uint256 index) = _pick(dealSeed, indexSeed);
        if (!found || d.deal.trust != 1) return;
        FastResult memory result = _fastResult(index, _worker(workerSeed % WORKER_COUNT));
        bytes32 taskId = _taskId(d.id, index);
        vm.prank(bySched ? poolOwner : result.worker);
        try
            tm.pushResult(
                d.id,
                d.deal,
                result,
                bySched ? bytes("") : _authorization(result.worker, taskId)
            )
        {} catch {}
        _after();
    }

    function pushResults(uint256 dealSeed, uint256 countSeed) external {
        (bool found, DealRecord memory d, ) = _pick(dealSeed, 0);
        if (!found || d.deal.trust != 1) return;
        uint256 count = bound(countSeed, 1, d.deal.botSize);
        FastResult[] memory results = new FastResult[](count);
        for (uint256 i = 0; i < count; ++i) {
            results[i] = _fastResult(d.deal.botFirst + i, _worker(i % WORKER_COUNT));
        }
        vm.prank(poolOwner);
        try tm.pushResults(d.id, d.deal, results) {} catch {}
        _after();
    }

    function contribute(
        uint256 dealSeed,
        uint256 indexSeed,
        uint256 workerSeed,
        bool honest
    ) external {
        (bool found, DealRecord memory d, uint256 index) = _pick(dealSeed, indexSeed);
        if (!found || d.deal.trust == 1) return;
        address worker = _worker(workerSeed % WORKER_COUNT);
        bytes32 taskId = _taskId(d.id, index);
        ContributionInput memory input = _vote(worker, taskId, honest ? TRUE : LIE);
        vm.prank(worker);
        try tm.contribute(d.id, d.deal, index, input, _authorization(worker, taskId)) {} catch {}
        _after();
    }

    function reveal(uint256 dealSeed, uint256 indexSeed, uint256 workerSeed, bool honest) external {
        (bool found, DealRecord memory d, uint256 index) = _pick(dealSeed, indexSeed);
        if (!found) return;
        vm.prank(_worker(workerSeed % WORKER_COUNT));
        try tm.reveal(_taskId(d.id, index), honest ? TRUE : LIE) {} catch {}
        _after();
    }

    function finalize(uint256 dealSeed, uint256 indexSeed) external {
        (bool found, DealRecord memory d, uint256 index) = _pick(dealSeed, indexSeed);
        if (!found) return;
        vm.prank(poolOwner);
        try tm.finalize(d.id, d.deal, index, "", "") {} catch {}
        _after();
    }

    function reopen(uint256 dealSeed, uint256 indexSeed) external {
        (bool found, DealRecord memory d, uint256 index) = _pick(dealSeed, indexSeed);
        if (!found) return;
        vm.prank(poolOwner);
        try tm.reopen(d.id, d.deal, index) {
            _reopened[_taskId(d.id, index)] = true;
        } catch {}
        _after();
    }

    function claim(uint256 dealSeed, uint256 indexSeed, bool batch) external {
        (bool found, DealRecord memory d, uint256 index) = _pick(dealSeed, indexSeed);
        if (!found) return;
        if (batch) {
            uint256[] memory indices = new uint256[](d.deal.botSize);
            for (uint256 i = 0; i < indices.length; ++i) indices[i] = d.deal.botFirst + i;
            try tm.claimBatch(d.id, d.deal, indices) {} catch {}
        } else {
            try tm.claim(d.id, d.deal, index) {} catch {}
        }
        _after();
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 1_500));
        _after();
    }

    // ---------------------------------------------------------------- views for the invariants

    function dealCount() external view returns (uint256) {
        return _deals.length;
    }

    function dealAt(uint256 i) external view returns (bytes32 id, Deal memory deal) {
        return (_deals[i].id, _deals[i].deal);
    }

    function orderCount() external view returns (uint256) {
        return orderHashes.length;
    }

    function actors() public view returns (address[] memory list) {
        list = new address[](5 + WORKER_COUNT);
        list[0] = requester;
        list[1] = sponsor;
        list[2] = appOwner;
        list[3] = datasetOwner;
        list[4] = poolOwner;
        for (uint256 i = 0; i < WORKER_COUNT; ++i) list[5 + i] = _worker(i);
    }

    function contracts() external view returns (address hub_, address tm_, address token_) {
        return (address(hub), address(tm), address(token));
    }

    // ---------------------------------------------------------------- internals

    function _actor(uint256 seed) private view returns (address) {
        address[] memory list = actors();
        return list[seed % list.length];
    }

    function _track(bytes32 h, uint256 volume) private {
        orderHashes.push(h);
        orderVolumes.push(volume);
    }

    function _pick(
        uint256 dealSeed,
        uint256 indexSeed
    ) private view returns (bool found, DealRecord memory d, uint256 index) {
        if (_deals.length == 0) return (false, d, 0);
        d = _deals[dealSeed % _deals.length];
        index = d.deal.botFirst + (indexSeed % d.deal.botSize);
        found = true;
    }

    function _fastResult(uint256 index, address worker) private pure returns (FastResult memory r) {
        r.index = index;
        r.worker = worker;
        r.resultDigest = TRUE;
    }

    /// @dev Records every task's status and flags any move backwards (a reopen may send a
    /// Revealing task back to Active; Completed and Failed are final).
    function _after() private {
        ++calls;
        for (uint256 i = 0; i < _deals.length; ++i) {
            Deal memory deal = _deals[i].deal;
            for (uint256 k = 0; k < deal.botSize; ++k) {
                bytes32 taskId = _taskId(_deals[i].id, deal.botFirst + k);
                TaskStatus now_ = tm.taskOf(taskId).status;
                TaskStatus before = _lastStatus[taskId];
                bool reopened =
                    _reopened[taskId] &&
                        before == TaskStatus.Revealing &&
                        now_ == TaskStatus.Active;
                if (now_ < before && !reopened) statusRegressed = true;
                if (before >= TaskStatus.Completed && now_ != before) statusRegressed = true;
                _reopened[taskId] = false;
                _lastStatus[taskId] = now_;
            }
        }
    }
}

/// @notice Invariants of the escrow and the task lifecycle under random operation sequences.
contract EscrowInvariantTest is PolisBase {
    MarketHandler private handler;

    function setUp() public {
        handler = new MarketHandler();
        (address hub_, address tm_, address token_) = handler.contracts();
        hub = Polis(hub_);
        tm = TaskManager(tm_);
        token = PolisToken(token_);
    }

    function targetContracts() public view returns (address[] memory list) {
        list = new address[](1);
        list[0] = address(handler);
    }

    /// @notice The handler is not vacuous: a scripted sequence reaches every terminal state.
    function test_handlerReachesEveryPath() public {
        handler.matchDeal(2, false, false); // deal 0: trust 1, 3 tasks, paid by the requester
        handler.pushResult(0, 0, 0, false); // task 0 by its worker, with an authorization
        handler.pushResult(0, 1, 1, true); // task 1 by the scheduler
        handler.matchDeal(0, true, true); // deal 1: trust 3, 1 task, paid by the sponsor
        handler.contribute(1, 0, 0, true);
        handler.contribute(1, 0, 1, true);
        handler.reveal(1, 0, 0, true);
        handler.reveal(1, 0, 1, true);
        handler.finalize(1, 0);
        handler.matchDeal(0, true, false); // deal 2: trust 3, nobody reveals, reopened
        handler.contribute(2, 0, 2, true);
        handler.contribute(2, 0, 3, true);
        handler.warp(599); // bound() maps 599 to 600 s: the reveal deadline
        handler.reopen(2, 0);
        handler.warp(1_499);
        handler.warp(1_499);
        handler.claim(0, 2, false); // task 2 of deal 0 fails
        handler.claim(2, 0, true);

        (bytes32 id0, ) = handler.dealAt(0);
        (bytes32 id1, ) = handler.dealAt(1);
        (bytes32 id2, ) = handler.dealAt(2);
        assertEq(uint256(tm.taskOf(_taskId(id0, 0)).status), uint256(TaskStatus.Completed), "t0");
        assertEq(uint256(tm.taskOf(_taskId(id0, 1)).status), uint256(TaskStatus.Completed), "t1");
        assertEq(uint256(tm.taskOf(_taskId(id0, 2)).status), uint256(TaskStatus.Failed), "t2");
        assertEq(uint256(tm.taskOf(_taskId(id1, 0)).status), uint256(TaskStatus.Completed), "r0");
        assertEq(uint256(tm.taskOf(_taskId(id2, 0)).status), uint256(TaskStatus.Failed), "r1");
        assertTrue(hub.kitty() > 0, "kitty filled by claims");
        invariant_escrowIsConserved();
        invariant_consumedNeverExceedsVolume();
        invariant_taskStatusOnlyMovesForward();
        invariant_lockedMatchesOpenCommitments();
    }

    /// @notice sum(stake + locked) over every actor + kitty == tokens the hub holds.
    function invariant_escrowIsConserved() public view {
        address[] memory list = handler.actors();
        uint256 sum = hub.kitty();
        for (uint256 i = 0; i < list.length; ++i) {
            (uint256 free, uint256 locked) = hub.accountOf(list[i]);
            sum += free + locked;
        }
        assertEq(sum, token.balanceOf(address(hub)), "escrow conserved");
    }

    /// @notice No order is ever used beyond its volume, and `consumed` never reads below the
    /// volume deals took: it is at most the volume, or the "closed" mark of a request its first
    /// deal filled whole.
    function invariant_consumedNeverExceedsVolume() public view {
        uint256 n = handler.orderCount();
        for (uint256 i = 0; i < n; ++i) {
            bytes32 h = handler.orderHashes(i);
            uint256 volume = handler.orderVolumes(i);
            uint256 taken = handler.used(h);
            uint256 consumed = hub.consumed(h);
            assertLe(taken, volume, "used <= volume");
            if (consumed == type(uint256).max) {
                assertEq(taken, volume, "closed mark only on a filled order");
            } else {
                assertLe(consumed, volume, "consumed <= volume");
                assertLe(taken, consumed, "consumed covers what deals took");
            }
        }
    }

    /// @notice Task statuses only move forward (reopen aside) and terminal ones never change.
    function invariant_taskStatusOnlyMovesForward() public view {
        assertTrue(!handler.statusRegressed(), "status regressed");
    }

    /// @notice Locked balances are exactly what open tasks owe: the payers' task prices, the pool
    /// owner's per-task stake and each worker's stake for every open task it voted on.
    function invariant_lockedMatchesOpenCommitments() public view {
        address[] memory list = handler.actors();
        uint256[] memory owed = new uint256[](list.length);
        uint256 deals = handler.dealCount();
        for (uint256 i = 0; i < deals; ++i) {
            (bytes32 id, Deal memory deal) = handler.dealAt(i);
            uint256 price = deal.appPrice + deal.datasetPrice + deal.workerpoolPrice;
            for (uint256 k = 0; k < deal.botSize; ++k) {
                bytes32 taskId = keccak256(abi.encodePacked(id, deal.botFirst + k));
                if (tm.taskOf(taskId).status >= TaskStatus.Completed) continue;
                owed[deal.sponsor == list[0] ? 0 : 1] += price;
                owed[4] += deal.workerpoolStake;
                address[] memory voters = tm.contributorsOf(taskId);
                for (uint256 v = 0; v < voters.length; ++v) {
                    for (uint256 a = 5; a < list.length; ++a) {
                        if (voters[v] == list[a]) owed[a] += deal.workerStake;
                    }
                }
            }
        }
        for (uint256 a = 0; a < list.length; ++a) {
            (, uint256 locked) = hub.accountOf(list[a]);
            assertEq(locked, owed[a], "locked == open commitments");
        }
    }
}

import {Polis} from "../../../contracts/Polis.sol";
import {TaskManager} from "../../../contracts/TaskManager.sol";
import {PolisToken} from "../../../contracts/token/PolisToken.sol";
