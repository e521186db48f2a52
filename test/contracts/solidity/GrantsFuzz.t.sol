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
import {IDatasetGrants} from "../../../contracts/interfaces/IDatasetGrants.sol";
import {IMatching} from "../../../contracts/interfaces/IMatching.sol";

/// @notice Fuzzes dataset grants against a small model: which grant governs a match (exact before
/// wildcard), which error a dead grant gives, and how many tasks a live one allows.
contract GrantsFuzzTest is PolisBase {
    struct GrantSpec {
        bool exists;
        uint64 uses;
        uint64 expiry;
        bool revoked;
    }

    function setUp() public {
        vm.warp(1_700_000_000);
        _deploy();
        _fund(requester, 10_000 * ONE);
        _fund(poolOwner, 10_000 * ONE);
        vm.prank(datasetOwner);
        hub.setGrantsRequired(dataset, true);
    }

    /// forge-config: default.fuzz.runs = 256
    function testFuzz_grantsGovernMatching(
        uint256 seed,
        uint64 exactUses,
        uint64 anyUses,
        uint32 exactLife,
        uint32 anyLife,
        uint32 elapsed,
        uint8 volumeSeed
    ) public {
        GrantSpec memory exact = GrantSpec({
            exists: seed & 1 != 0,
            uses: uint64(bound(exactUses, 1, 20)),
            expiry: uint64(block.timestamp + bound(exactLife, 1, 1000)),
            revoked: seed & 4 != 0
        });
        GrantSpec memory any = GrantSpec({
            exists: seed & 2 != 0,
            uses: uint64(bound(anyUses, 1, 20)),
            expiry: uint64(block.timestamp + bound(anyLife, 1, 1000)),
            revoked: seed & 8 != 0
        });
        _grant(requester, exact);
        _grant(address(0), any);
        vm.warp(block.timestamp + bound(elapsed, 0, 1200));

        uint256 volume = bound(volumeSeed, 1, 25);
        bytes32 exactKey = hub.grantKey(dataset, app, requester);
        bytes32 anyKey = hub.grantKey(dataset, app, address(0));
        // Two rounds: the second one sees the uses the first consumed.
        for (uint256 round = 0; round < 2; ++round) {
            (bytes32 key, GrantSpec memory g) = exact.exists ? (exactKey, exact) : (anyKey, any);
            uint256 used = hub.grantOf(key).used;
            bytes memory failure;
            if (!g.exists) {
                failure = abi.encodeWithSelector(
                    IDatasetGrants.GrantMissing.selector,
                    dataset,
                    app,
                    requester
                );
            } else if (g.revoked) {
                failure = abi.encodeWithSelector(IDatasetGrants.GrantRevoked.selector, key);
            } else if (block.timestamp > g.expiry) {
                failure = abi.encodeWithSelector(
                    IDatasetGrants.GrantExpired.selector,
                    key,
                    g.expiry
                );
            } else if (used >= g.uses) {
                failure = abi.encodeWithSelector(
                    IDatasetGrants.GrantExhausted.selector,
                    key,
                    g.uses
                );
            }
            AppOrder memory a = _appOrder(ONE, 100);
            DatasetOrder memory d = _datasetOrder(ONE, 100);
            WorkerpoolOrder memory w = _workerpoolOrder(ONE, 100, 1);
            RequestOrder memory r = _requestOrder(a, d, w, volume, 1);
            IMatching.MatchEstimate memory e = hub.estimateMatch(a, d, w, r, requester);
            assertEq(e.failure, failure, "grant failure");
            if (failure.length != 0) {
                (bool ok, bytes memory result) = address(hub).call(
                    abi.encodeCall(hub.matchOrders, (a, d, w, r))
                );
                assertTrue(!ok, "dead grant matched");
                assertEq(result, failure, "revert data");
                assertEq(hub.grantOf(key).used, used, "no use consumed");
                continue;
            }
            uint256 expected = volume < g.uses - used ? volume : g.uses - used;
            assertEq(e.volume, expected, "volume capped by uses left");
            (, Deal memory deal) = _match(a, d, w, r, requester);
            assertEq(deal.grantKey, key, "grant key in deal");
            assertEq(deal.botSize, expected, "bot size");
            assertEq(hub.grantOf(key).used, used + expected, "uses consumed");
            assertLe(hub.grantOf(key).used, g.uses, "never over uses");
        }
    }

    function _grant(address who, GrantSpec memory g) private {
        if (!g.exists) return;
        vm.startPrank(datasetOwner);
        hub.grantDatasetUse(dataset, app, who, g.uses, g.expiry);
        if (g.revoked) hub.revokeDatasetGrant(dataset, app, who);
        vm.stopPrank();
    }
}
