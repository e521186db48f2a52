// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {vm} from "./Vm.sol";
import {Polis} from "../../../../contracts/Polis.sol";
import {TaskManager} from "../../../../contracts/TaskManager.sol";
import {PolisToken} from "../../../../contracts/token/PolisToken.sol";
import {AppRegistry} from "../../../../contracts/registries/AppRegistry.sol";
import {DatasetRegistry} from "../../../../contracts/registries/DatasetRegistry.sol";
import {WorkerpoolRegistry} from "../../../../contracts/registries/WorkerpoolRegistry.sol";
import {IAppRegistry} from "../../../../contracts/interfaces/IAppRegistry.sol";
import {IDatasetRegistry} from "../../../../contracts/interfaces/IDatasetRegistry.sol";
import {IWorkerpoolRegistry} from "../../../../contracts/interfaces/IWorkerpoolRegistry.sol";
import {
    AppOrder,
    DatasetOrder,
    WorkerpoolOrder,
    RequestOrder
} from "../../../../contracts/libraries/OrderTypes.sol";
import {Deal, ContributionInput} from "../../../../contracts/libraries/DealTypes.sol";

/// @notice Tiny assertions: revert with the failing values (no forge-std here).
abstract contract Assertions {
    error AssertionFailed(string what, uint256 left, uint256 right);
    error AssertionFailedBytes(string what, bytes left, bytes right);

    function assertEq(uint256 a, uint256 b, string memory what) internal pure {
        if (a != b) revert AssertionFailed(what, a, b);
    }

    function assertEq(bytes32 a, bytes32 b, string memory what) internal pure {
        if (a != b) revert AssertionFailed(what, uint256(a), uint256(b));
    }

    function assertEq(address a, address b, string memory what) internal pure {
        if (a != b) revert AssertionFailed(what, uint160(a), uint160(b));
    }

    function assertEq(bytes memory a, bytes memory b, string memory what) internal pure {
        if (keccak256(a) != keccak256(b)) revert AssertionFailedBytes(what, a, b);
    }

    function assertLe(uint256 a, uint256 b, string memory what) internal pure {
        if (a > b) revert AssertionFailed(what, a, b);
    }

    function assertTrue(bool ok, string memory what) internal pure {
        if (!ok) revert AssertionFailed(what, 0, 1);
    }

    /// @dev forge-std's bound: maps x into [lo, hi] without rejecting inputs.
    function bound(uint256 x, uint256 lo, uint256 hi) internal pure returns (uint256) {
        if (hi <= lo) return lo;
        return lo + (x % (hi - lo + 1));
    }
}

/// @notice Deploys Polis in Solidity and builds, signs and matches orders with cheatcode keys.
/// Everything a deal needs is reconstructed here and checked against the hub's stored hash.
abstract contract PolisBase is Assertions {
    uint256 internal constant ONE = 1e18;
    uint256 internal constant TIME_REF = 300;

    uint256 internal constant APP_OWNER_KEY = 0xA11;
    uint256 internal constant DATASET_OWNER_KEY = 0xDA7A;
    uint256 internal constant POOL_OWNER_KEY = 0x9001;
    uint256 internal constant REQUESTER_KEY = 0x4E9;
    uint256 internal constant SPONSOR_KEY = 0x5905;
    uint256 internal constant VERIFIER_KEY = 0x5A5;
    uint256 internal constant WORKER_KEY_BASE = 0x3000;
    uint256 internal constant WORKER_COUNT = 5;

    bytes32 internal constant MRENCLAVE = keccak256("polis solidity test enclave");
    bytes32 private constant DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );
    bytes32 private constant WORKER_AUTHORIZATION_TYPEHASH = keccak256(
        "WorkerAuthorization(address worker,bytes32 taskId,address enclave)"
    );

    PolisToken internal token;
    AppRegistry internal apps;
    DatasetRegistry internal datasets;
    WorkerpoolRegistry internal pools;
    Polis internal hub;
    TaskManager internal tm;

    address internal appOwner;
    address internal datasetOwner;
    address internal poolOwner;
    address internal requester;
    address internal sponsor;
    address internal app;
    address internal dataset;
    address internal workerpool;

    uint256 private _salt;

    function _deploy() internal {
        token = new PolisToken(address(this), 0, 1e30);
        apps = new AppRegistry();
        datasets = new DatasetRegistry();
        pools = new WorkerpoolRegistry();
        hub = new Polis(address(this), token, apps, datasets, pools);
        tm = TaskManager(hub.taskManager());
        hub.createCategory("XS", "", TIME_REF);
        tm.setAttestationVerifier(vm.addr(VERIFIER_KEY), true);

        appOwner = vm.addr(APP_OWNER_KEY);
        datasetOwner = vm.addr(DATASET_OWNER_KEY);
        poolOwner = vm.addr(POOL_OWNER_KEY);
        requester = vm.addr(REQUESTER_KEY);
        sponsor = vm.addr(SPONSOR_KEY);

        vm.prank(appOwner);
        app = apps.createApp(
            IAppRegistry.AppParams("app", "ipfs://app", keccak256("bundle"), MRENCLAVE, 0)
        );
        vm.prank(datasetOwner);
        dataset = datasets.createDataset(
            IDatasetRegistry.DatasetParams("dataset", "ipfs://dataset", keccak256("data"))
        );
        vm.prank(poolOwner);
        workerpool = pools.createWorkerpool(
            IWorkerpoolRegistry.WorkerpoolParams(
                "pool",
                IWorkerpoolRegistry.ResourceClass.Cloud,
                "",
                30,
                20,
                address(0)
            )
        );
    }

    function _worker(uint256 i) internal pure returns (address) {
        return vm.addr(WORKER_KEY_BASE + i);
    }

    /// @dev Mints from the faucet and deposits into the escrow for `who`.
    function _fund(address who, uint256 amount) internal {
        if (amount == 0) return;
        token.faucet(who, amount);
        vm.startPrank(who);
        token.approve(address(hub), amount);
        hub.deposit(amount);
        vm.stopPrank();
    }

    function _nextSalt() internal returns (bytes32) {
        return keccak256(abi.encode("salt", ++_salt));
    }

    function _signature(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    function _appOrder(uint256 price, uint256 volume) internal returns (AppOrder memory o) {
        o.app = app;
        o.price = price;
        o.volume = volume;
        o.expiry = block.timestamp + 365 days;
        o.salt = _nextSalt();
        o.signature = _signature(APP_OWNER_KEY, hub.hashAppOrder(o));
    }

    function _datasetOrder(uint256 price, uint256 volume) internal returns (DatasetOrder memory o) {
        o.dataset = dataset;
        o.price = price;
        o.volume = volume;
        o.expiry = block.timestamp + 365 days;
        o.salt = _nextSalt();
        o.signature = _signature(DATASET_OWNER_KEY, hub.hashDatasetOrder(o));
    }

    function _workerpoolOrder(
        uint256 price,
        uint256 volume,
        uint256 trust
    ) internal returns (WorkerpoolOrder memory o) {
        o.workerpool = workerpool;
        o.price = price;
        o.volume = volume;
        o.trust = trust;
        o.expiry = block.timestamp + 365 days;
        o.salt = _nextSalt();
        o.signature = _signature(POOL_OWNER_KEY, hub.hashWorkerpoolOrder(o));
    }

    function _requestOrder(
        AppOrder memory a,
        DatasetOrder memory d,
        WorkerpoolOrder memory w,
        uint256 volume,
        uint256 trust
    ) internal returns (RequestOrder memory o) {
        o.app = a.app;
        o.appMaxPrice = a.price;
        o.dataset = d.dataset;
        o.datasetMaxPrice = d.price;
        o.workerpoolMaxPrice = w.price;
        o.requester = requester;
        o.volume = volume;
        o.trust = trust;
        o.beneficiary = requester;
        o.params = "{}";
        o.expiry = block.timestamp + 365 days;
        o.salt = _nextSalt();
        o.signature = _signature(REQUESTER_KEY, hub.hashRequestOrder(o));
    }

    /// @dev The deal a successful match of these orders creates, as `_match` would build it.
    function _expectedDeal(
        AppOrder memory a,
        DatasetOrder memory d,
        WorkerpoolOrder memory w,
        RequestOrder memory r,
        address payer,
        uint256 botFirst,
        uint256 volume
    ) internal view returns (Deal memory deal) {
        deal.app = a.app;
        deal.appOwner = appOwner;
        deal.appPrice = a.price;
        deal.mrenclave = MRENCLAVE;
        if (d.dataset != address(0)) {
            deal.dataset = d.dataset;
            deal.datasetOwner = datasetOwner;
            deal.datasetPrice = d.price;
        }
        deal.workerpool = w.workerpool;
        deal.workerpoolOwner = poolOwner;
        deal.scheduler = poolOwner;
        deal.workerpoolPrice = w.price;
        deal.requester = r.requester;
        deal.sponsor = payer;
        deal.beneficiary = r.beneficiary;
        deal.callback = r.callback;
        deal.paramsHash = keccak256(bytes(r.params));
        deal.tag = a.tag | (d.dataset != address(0) ? d.tag : bytes32(0)) | r.tag;
        deal.category = r.category;
        deal.trust = r.trust == 0 ? 1 : r.trust;
        deal.timeRef = TIME_REF;
        deal.botFirst = botFirst;
        deal.botSize = volume;
        deal.startTime = block.timestamp;
        deal.workerpoolStake = (w.price * 30) / 100;
        (, , uint8 stakeRatio, uint8 rewardRatio) = pools.workerpoolInfo(workerpool);
        deal.workerStake = (w.price * stakeRatio) / 100;
        deal.schedulerRewardRatio = rewardRatio;
        deal.grantKey =
            hub.grantsRequired(d.dataset) && d.dataset != address(0)
                ? _liveGrantKey(d.dataset, a.app, r.requester)
                : bytes32(0);
    }

    function _liveGrantKey(
        address dataset_,
        address app_,
        address requester_
    ) private view returns (bytes32 key) {
        key = hub.grantKey(dataset_, app_, requester_);
        if (hub.grantOf(key).uses == 0) key = hub.grantKey(dataset_, app_, address(0));
    }

    /// @dev Matches (paid by the requester, or by `payer` through sponsorMatchOrders), checks the
    /// stored deal hash against the reconstruction and returns the deal.
    function _match(
        AppOrder memory a,
        DatasetOrder memory d,
        WorkerpoolOrder memory w,
        RequestOrder memory r,
        address payer
    ) internal returns (bytes32 dealId, Deal memory deal) {
        bytes32 requestHash = hub.hashRequestOrder(r);
        uint256 botFirst = hub.consumed(requestHash);
        uint256 volume = hub.estimateMatch(a, d, w, r, payer).volume;
        Deal memory expected = _expectedDeal(a, d, w, r, payer, botFirst, volume);
        if (payer == r.requester) {
            dealId = hub.matchOrders(a, d, w, r);
        } else {
            vm.prank(payer);
            dealId = hub.sponsorMatchOrders(a, d, w, r);
        }
        assertEq(dealId, keccak256(abi.encode(requestHash, botFirst)), "deal id");
        assertEq(
            hub.dealHash(dealId, botFirst),
            keccak256(abi.encode(expected)) & ~bytes32(uint256(1)),
            "deal hash"
        );
        deal = expected;
    }

    function _taskDigest(bytes32 structHash) internal view returns (bytes32) {
        bytes32 domain = keccak256(
            abi.encode(
                DOMAIN_TYPEHASH,
                keccak256("Polis Tasks"),
                keccak256("1"),
                block.chainid,
                address(tm)
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", domain, structHash));
    }

    function _authorization(address worker, bytes32 taskId) internal view returns (bytes memory) {
        bytes32 structHash = keccak256(
            abi.encode(WORKER_AUTHORIZATION_TYPEHASH, worker, taskId, address(0))
        );
        return _signature(POOL_OWNER_KEY, _taskDigest(structHash));
    }

    /// @dev A non-TEE replicated vote for `digest` by `worker`, authorized by the pool owner.
    function _vote(
        address worker,
        bytes32 taskId,
        bytes32 digest
    ) internal pure returns (ContributionInput memory input) {
        input.resultHash = keccak256(abi.encodePacked(taskId, digest));
        input.resultSeal = keccak256(abi.encodePacked(worker, taskId, digest));
    }

    function _taskId(bytes32 dealId, uint256 index) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(dealId, index));
    }
}
