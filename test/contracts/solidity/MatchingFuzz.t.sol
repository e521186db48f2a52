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
import {Deal} from "../../../contracts/libraries/DealTypes.sol";
import {IMatching} from "../../../contracts/interfaces/IMatching.sol";
import {IOrderManagement} from "../../../contracts/interfaces/IOrderManagement.sol";
import {IEscrow} from "../../../contracts/interfaces/IEscrow.sol";

/// @notice Fuzzes the matching math: volumes, prices and locks, and checks that `estimateMatch`
/// always reports exactly what `matchOrders` does.
contract MatchingFuzzTest is PolisBase {
    function setUp() public {
        vm.warp(1_700_000_000);
        _deploy();
    }

    /// forge-config: default.fuzz.runs = 256
    function testFuzz_volumeIsTheSmallestRemainingAcrossMatches(
        uint8 va,
        uint8 vd,
        uint8 vw,
        uint8 vr
    ) public {
        _fund(requester, 10_000 * ONE);
        _fund(poolOwner, 10_000 * ONE);
        uint256[4] memory volumes = [
            bound(va, 0, 12),
            bound(vd, 0, 12),
            bound(vw, 0, 12),
            bound(vr, 0, 12)
        ];
        AppOrder memory a = _appOrder(3 * ONE, volumes[0]);
        DatasetOrder memory d = _datasetOrder(2 * ONE, volumes[1]);
        WorkerpoolOrder memory w = _workerpoolOrder(5 * ONE, volumes[2], 1);
        uint256 filled = 0;
        // Up to three requests share the same app, dataset and pool orders.
        for (uint256 round = 0; round < 3; ++round) {
            RequestOrder memory r = _requestOrder(a, d, w, round == 0 ? volumes[3] : 12, 1);
            uint256 expected = _min4(
                volumes[0] - filled,
                volumes[1] - filled,
                volumes[2] - filled,
                r.volume
            );
            IMatching.MatchEstimate memory e = hub.estimateMatch(a, d, w, r, requester);
            assertEq(e.volume, expected, "estimated volume");
            if (expected == 0) {
                assertEq(
                    e.failure,
                    abi.encodeWithSelector(IMatching.MatchVolumeZero.selector),
                    "failure"
                );
                _expectRevertData(a, d, w, r, e.failure);
                break;
            }
            (, Deal memory deal) = _match(a, d, w, r, requester);
            assertEq(deal.botFirst, 0, "bot first of a fresh request");
            assertEq(deal.botSize, expected, "bot size");
            filled += expected;
            assertEq(hub.consumed(hub.hashAppOrder(a)), filled, "app consumed");
            assertEq(hub.consumed(hub.hashDatasetOrder(d)), filled, "dataset consumed");
            assertEq(hub.consumed(hub.hashWorkerpoolOrder(w)), filled, "pool consumed");
            assertLe(filled, volumes[0], "app over-filled");
        }
    }

    /// forge-config: default.fuzz.runs = 256
    function testFuzz_locksTheAsksTimesVolume(
        uint72 appPrice,
        uint72 datasetPrice,
        uint72 poolPrice,
        uint8 volumeSeed,
        uint8 stakeRatio,
        bool underfunded
    ) public {
        uint256 volume = bound(volumeSeed, 1, 40);
        uint8 ratio = uint8(bound(stakeRatio, 0, 100));
        vm.prank(poolOwner);
        pools.setWorkerpoolPolicy(workerpool, ratio, 20);
        AppOrder memory a = _appOrder(appPrice, volume);
        DatasetOrder memory d = _datasetOrder(datasetPrice, volume);
        WorkerpoolOrder memory w = _workerpoolOrder(poolPrice, volume, 1);
        RequestOrder memory r = _requestOrder(a, d, w, volume, 1);

        uint256 cost = (uint256(appPrice) + datasetPrice + poolPrice) * volume;
        uint256 stake = ((uint256(poolPrice) * 30) / 100) * volume;
        bool short = underfunded && cost != 0;
        _fund(requester, short ? cost - 1 : cost);
        _fund(poolOwner, stake);

        IMatching.MatchEstimate memory e = hub.estimateMatch(a, d, w, r, requester);
        assertEq(e.volume, volume, "volume");
        assertEq(e.taskPrice, uint256(appPrice) + datasetPrice + poolPrice, "task price");
        assertEq(e.cost, cost, "cost");
        assertEq(e.workerpoolStake, stake, "pool stake");
        if (short) {
            bytes memory failure = abi.encodeWithSelector(
                IEscrow.EscrowInsufficientBalance.selector,
                requester,
                cost - 1,
                cost
            );
            assertEq(e.failure, failure, "failure");
            _expectRevertData(a, d, w, r, failure);
            return;
        }
        assertEq(e.failure, "", "no failure");
        (, Deal memory deal) = _match(a, d, w, r, requester);
        assertEq(deal.workerStake, (uint256(poolPrice) * ratio) / 100, "worker stake");
        (uint256 free, uint256 locked) = hub.accountOf(requester);
        assertEq(free, 0, "requester free");
        assertEq(locked, cost, "requester locked");
        (free, locked) = hub.accountOf(poolOwner);
        assertEq(free, 0, "pool owner free");
        assertEq(locked, stake, "pool owner locked");
    }

    /// @dev Breaks a random subset of rules, then checks that estimateMatch's failure is byte for
    /// byte the revert of the real call (or empty and the call succeeds).
    /// forge-config: default.fuzz.runs = 256
    function testFuzz_estimateIsExactlyWhatMatchingDoes(uint256 seed, uint96 funds) public {
        bool poolPays = seed & (1 << 20) != 0;
        address payer = poolPays ? poolOwner : requester;
        _fund(requester, bound(funds, 0, 60) * ONE);
        _fund(poolOwner, bound(uint256(funds) >> 8, 0, 60) * ONE);

        AppOrder memory a = _appOrder(3 * ONE, 1 + (seed % 7));
        DatasetOrder memory d = _datasetOrder(2 * ONE, 1 + ((seed >> 3) % 7));
        WorkerpoolOrder memory w = _workerpoolOrder(5 * ONE, 1 + ((seed >> 6) % 7), 3);
        RequestOrder memory r = _requestOrder(a, d, w, 1 + ((seed >> 9) % 7), 1);
        if (seed & (1 << 12) != 0) a.expiry = block.timestamp - 1;
        if (seed & (1 << 13) != 0) r.appMaxPrice = a.price - 1;
        if (seed & (1 << 14) != 0) r.trust = 4;
        if (seed & (1 << 15) != 0) r.category = 1;
        if (seed & (1 << 16) != 0) w.appRestrict = address(0xbad);
        if (seed & (1 << 17) != 0) r.tag = bytes32(uint256(1 << 8));
        if (seed & (1 << 18) != 0) d.volume = 0;
        if (seed & (1 << 19) != 0) r.workerpool = address(0xbad);
        if (seed & (1 << 21) != 0) w.tag = bytes32(uint256(1));
        if (seed & (1 << 22) != 0) a.tag = bytes32(uint256(1));
        // Re-sign what was changed (a wrong signer when bit 23 is set).
        a.signature = _signature(
            seed & (1 << 23) != 0 ? REQUESTER_KEY : APP_OWNER_KEY,
            hub.hashAppOrder(a)
        );
        d.signature = _signature(DATASET_OWNER_KEY, hub.hashDatasetOrder(d));
        w.signature = _signature(POOL_OWNER_KEY, hub.hashWorkerpoolOrder(w));
        r.signature = _signature(REQUESTER_KEY, hub.hashRequestOrder(r));

        IMatching.MatchEstimate memory e = hub.estimateMatch(a, d, w, r, payer);
        uint256 botFirst = hub.consumed(hub.hashRequestOrder(r));
        vm.prank(payer);
        (bool ok, bytes memory result) = address(hub).call(
            poolPays
                ? abi.encodeCall(hub.sponsorMatchOrders, (a, d, w, r))
                : abi.encodeCall(hub.matchOrders, (a, d, w, r))
        );
        if (e.failure.length == 0) {
            assertTrue(ok, "estimate said success");
            bytes32 dealId = abi.decode(result, (bytes32));
            assertTrue(hub.dealHash(dealId, botFirst) != bytes32(0), "deal stored");
            (, uint256 locked) = hub.accountOf(payer);
            uint256 expectedLock = poolPays ? e.cost + e.workerpoolStake : e.cost;
            assertEq(locked, expectedLock, "locked as estimated");
        } else {
            assertTrue(!ok, "estimate said failure");
            assertEq(result, e.failure, "revert data");
        }
    }

    /// forge-config: default.fuzz.runs = 256
    function testFuzz_garbageSignaturesNeverMatch(bytes calldata garbage) public {
        _fund(requester, 100 * ONE);
        _fund(poolOwner, 100 * ONE);
        AppOrder memory a = _appOrder(ONE, 1);
        DatasetOrder memory d = _datasetOrder(ONE, 1);
        WorkerpoolOrder memory w = _workerpoolOrder(ONE, 1, 1);
        RequestOrder memory r = _requestOrder(a, d, w, 1, 1);
        a.signature = garbage;
        (bool ok, bytes memory result) = address(hub).call(
            abi.encodeCall(hub.matchOrders, (a, d, w, r))
        );
        assertTrue(!ok, "garbage matched");
        bytes4 selector = bytes4(result);
        assertTrue(
            selector == IOrderManagement.OrderSignatureInvalid.selector ||
                selector == IOrderManagement.SignatureLengthInvalid.selector ||
                selector == IOrderManagement.SignatureMalleable.selector,
            "signature error"
        );
        assertEq(hub.consumed(hub.hashRequestOrder(r)), 0, "nothing consumed");
    }

    function _expectRevertData(
        AppOrder memory a,
        DatasetOrder memory d,
        WorkerpoolOrder memory w,
        RequestOrder memory r,
        bytes memory expected
    ) private {
        (bool ok, bytes memory result) = address(hub).call(
            abi.encodeCall(hub.matchOrders, (a, d, w, r))
        );
        assertTrue(!ok, "should revert");
        assertEq(result, expected, "revert data");
    }

    function _min4(uint256 a, uint256 b, uint256 c, uint256 d) private pure returns (uint256 m) {
        m = a;
        if (b < m) m = b;
        if (c < m) m = c;
        if (d < m) m = d;
    }
}
