// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IMatching} from "../interfaces/IMatching.sol";
import {IEscrow} from "../interfaces/IEscrow.sol";
import {
    AppOrder,
    DatasetOrder,
    WorkerpoolOrder,
    RequestOrder,
    OrderKind,
    OrderHashing
} from "../libraries/OrderTypes.sol";
import {Deal, DealHashing} from "../libraries/DealTypes.sol";
import {Tags} from "../libraries/Tags.sol";
import {Escrow} from "./Escrow.sol";
import {OrderManagement} from "./OrderManagement.sol";
import {DatasetGrants} from "./DatasetGrants.sol";

/// @notice Implements {IMatching}; see the interface for the NatSpec.
abstract contract Matching is IMatching, Escrow, OrderManagement, DatasetGrants {
    using OrderHashing for AppOrder;
    using OrderHashing for DatasetOrder;
    using OrderHashing for WorkerpoolOrder;
    using OrderHashing for RequestOrder;

    /// @notice Share of the workerpool price the pool owner stakes per task, in percent (PoCo: 30).
    uint256 internal constant WORKERPOOL_STAKE_RATIO = 30;

    /// @dev Everything the checks learn and the deal needs; kept in memory to spare the stack.
    struct MatchContext {
        bytes32 appHash;
        bytes32 datasetHash;
        bytes32 workerpoolHash;
        bytes32 requestHash;
        address appOwner;
        bytes32 mrenclave;
        address datasetOwner;
        address workerpoolOwner;
        address scheduler;
        uint256 workerStakeRatio;
        uint256 schedulerRewardRatio;
        uint256 timeRef;
        uint256 volume;
        bytes32 grantKey;
        bool hasDataset;
    }

    /// @dev Deal records (see DealHashing), keyed by the deal's first task id.
    mapping(bytes32 firstTaskId => bytes32 record) private _dealRecords;

    /// @inheritdoc IMatching
    function matchOrders(
        AppOrder calldata appOrder,
        DatasetOrder calldata datasetOrder,
        WorkerpoolOrder calldata workerpoolOrder,
        RequestOrder calldata requestOrder
    ) external nonReentrant returns (bytes32) {
        return
            _match(appOrder, datasetOrder, workerpoolOrder, requestOrder, requestOrder.requester);
    }

    /// @inheritdoc IMatching
    function sponsorMatchOrders(
        AppOrder calldata appOrder,
        DatasetOrder calldata datasetOrder,
        WorkerpoolOrder calldata workerpoolOrder,
        RequestOrder calldata requestOrder
    ) external nonReentrant returns (bytes32) {
        return _match(appOrder, datasetOrder, workerpoolOrder, requestOrder, msg.sender);
    }

    /// @inheritdoc IMatching
    function estimateMatch(
        AppOrder calldata appOrder,
        DatasetOrder calldata datasetOrder,
        WorkerpoolOrder calldata workerpoolOrder,
        RequestOrder calldata requestOrder,
        address sponsor
    ) external view returns (MatchEstimate memory estimate) {
        (MatchContext memory ctx, bytes memory failure) = _check(
            appOrder,
            datasetOrder,
            workerpoolOrder,
            requestOrder
        );
        estimate.volume = ctx.volume;
        estimate.taskPrice = _taskPrice(appOrder, datasetOrder, workerpoolOrder, ctx.hasDataset);
        estimate.cost = estimate.taskPrice * ctx.volume;
        estimate.workerpoolStake = _stakePerTask(workerpoolOrder.price) * ctx.volume;
        if (failure.length == 0) {
            failure = _balanceError(
                sponsor,
                estimate.cost,
                ctx.workerpoolOwner,
                estimate.workerpoolStake
            );
        }
        estimate.failure = failure;
    }

    /// @inheritdoc IMatching
    function dealHash(bytes32 dealId, uint256 botFirst) external view returns (bytes32) {
        return _dealRecords[DealHashing.taskId(dealId, botFirst)] & ~DealHashing.FIRST_TASK_FINAL;
    }

    /// @inheritdoc IMatching
    function dealRecord(bytes32 firstTaskId) external view returns (bytes32) {
        return _dealRecords[firstTaskId];
    }

    /// @inheritdoc IMatching
    function markFirstTaskFinal(bytes32 firstTaskId) external {
        if (msg.sender != _taskManagerAddress()) revert DealUnauthorized(msg.sender);
        bytes32 record = _dealRecords[firstTaskId];
        if (record == bytes32(0) || record & DealHashing.FIRST_TASK_FINAL != 0) {
            revert DealFirstTaskNotOpen(firstTaskId);
        }
        _dealRecords[firstTaskId] = record | DealHashing.FIRST_TASK_FINAL;
    }

    /// @inheritdoc OrderManagement
    function _filledByFirstDeal(bytes32 requestHash) internal view override returns (bool) {
        return _dealRecords[DealHashing.taskId(_dealIdOf(requestHash, 0), 0)] != bytes32(0);
    }

    /// @dev Deals of a request are numbered by the volume consumed before them, so ids never
    /// repeat: keccak256(requestHash, botFirst).
    function _dealIdOf(bytes32 requestHash, uint256 botFirst) private pure returns (bytes32) {
        return keccak256(abi.encode(requestHash, botFirst));
    }

    function _stakePerTask(uint256 workerpoolPrice) private pure returns (uint256) {
        return (workerpoolPrice * WORKERPOOL_STAKE_RATIO) / 100;
    }

    function _match(
        AppOrder calldata a,
        DatasetOrder calldata d,
        WorkerpoolOrder calldata w,
        RequestOrder calldata r,
        address sponsor
    ) private returns (bytes32 dealId) {
        (MatchContext memory ctx, bytes memory failure) = _check(a, d, w, r);
        if (failure.length != 0) _revertWith(failure);

        uint256 volume = ctx.volume;
        uint256 consumedBefore = _consumedOf(ctx.requestHash);
        dealId = _dealIdOf(ctx.requestHash, consumedBefore);
        _consume(ctx.appHash, volume);
        if (ctx.hasDataset) _consume(ctx.datasetHash, volume);
        _consume(ctx.workerpoolHash, volume);
        // A request filled whole by its first deal needs no counter: that deal's record, keyed by
        // (request, 0), closes it (see `_filledByFirstDeal`). Saves a fresh slot per such deal.
        if (consumedBefore != 0 || volume != r.volume) _consume(ctx.requestHash, volume);
        if (ctx.grantKey != bytes32(0)) _useGrant(ctx.grantKey, dealId, volume);

        Deal memory deal = _buildDeal(a, d, w, r, ctx, sponsor, consumedBefore);
        _dealRecords[DealHashing.taskId(dealId, consumedBefore)] = DealHashing.hashMemory(deal);

        uint256 taskPrice = deal.appPrice + deal.datasetPrice + deal.workerpoolPrice;
        _lock(sponsor, taskPrice * volume, dealId);
        _lock(ctx.workerpoolOwner, deal.workerpoolStake * volume, dealId);

        emit DealCreated(
            dealId,
            r.requester,
            w.workerpool,
            [ctx.appHash, ctx.datasetHash, ctx.workerpoolHash, ctx.requestHash],
            deal,
            r.params
        );
    }

    function _buildDeal(
        AppOrder calldata a,
        DatasetOrder calldata d,
        WorkerpoolOrder calldata w,
        RequestOrder calldata r,
        MatchContext memory ctx,
        address sponsor,
        uint256 botFirst
    ) private view returns (Deal memory deal) {
        deal.app = a.app;
        deal.appOwner = ctx.appOwner;
        deal.appPrice = a.price;
        deal.mrenclave = ctx.mrenclave;
        if (ctx.hasDataset) {
            deal.dataset = d.dataset;
            deal.datasetOwner = ctx.datasetOwner;
            deal.datasetPrice = d.price;
        }
        deal.workerpool = w.workerpool;
        deal.workerpoolOwner = ctx.workerpoolOwner;
        deal.scheduler = ctx.scheduler;
        deal.workerpoolPrice = w.price;
        deal.requester = r.requester;
        deal.sponsor = sponsor;
        deal.beneficiary = r.beneficiary;
        deal.callback = r.callback;
        deal.paramsHash = keccak256(bytes(r.params));
        deal.tag = a.tag | (ctx.hasDataset ? d.tag : bytes32(0)) | r.tag;
        deal.category = r.category;
        deal.trust = r.trust == 0 ? 1 : r.trust;
        deal.timeRef = ctx.timeRef;
        deal.botFirst = botFirst;
        deal.botSize = ctx.volume;
        deal.startTime = block.timestamp;
        deal.workerpoolStake = _stakePerTask(w.price);
        deal.workerStake = (w.price * ctx.workerStakeRatio) / 100;
        deal.schedulerRewardRatio = ctx.schedulerRewardRatio;
        deal.grantKey = ctx.grantKey;
    }

    /// @dev Every PoCo matching rule plus expiry and grants, cheapest first. Returns the context
    /// and, on the first broken rule, its ABI-encoded custom error.
    function _check(
        AppOrder calldata a,
        DatasetOrder calldata d,
        WorkerpoolOrder calldata w,
        RequestOrder calldata r
    ) private view returns (MatchContext memory ctx, bytes memory failure) {
        ctx.hasDataset = d.dataset != address(0);
        ctx.appHash = _hashTypedDataV4(a.hash());
        ctx.workerpoolHash = _hashTypedDataV4(w.hash());
        ctx.requestHash = _hashTypedDataV4(r.hash());
        if (ctx.hasDataset) ctx.datasetHash = _hashTypedDataV4(d.hash());

        failure = _checkTerms(a, d, w, r, ctx);
        if (failure.length == 0) failure = _checkRestrictions(a, d, w, r, ctx.hasDataset);
        if (failure.length == 0) failure = _checkOwnersAndSignatures(a, d, w, r, ctx);
        if (failure.length == 0) failure = _checkVolume(a, d, w, r, ctx);
    }

    function _checkTerms(
        AppOrder calldata a,
        DatasetOrder calldata d,
        WorkerpoolOrder calldata w,
        RequestOrder calldata r,
        MatchContext memory ctx
    ) private view returns (bytes memory) {
        if (block.timestamp > a.expiry) return _expired(OrderKind.App, ctx.appHash, a.expiry);
        if (ctx.hasDataset && block.timestamp > d.expiry) {
            return _expired(OrderKind.Dataset, ctx.datasetHash, d.expiry);
        }
        if (block.timestamp > w.expiry) {
            return _expired(OrderKind.Workerpool, ctx.workerpoolHash, w.expiry);
        }
        if (block.timestamp > r.expiry)
            return _expired(OrderKind.Request, ctx.requestHash, r.expiry);
        if (r.app != a.app) return abi.encodeWithSelector(MatchAppMismatch.selector, r.app, a.app);
        if (r.dataset != d.dataset) {
            return abi.encodeWithSelector(MatchDatasetMismatch.selector, r.dataset, d.dataset);
        }
        if (r.category != w.category) {
            return abi.encodeWithSelector(MatchCategoryMismatch.selector, r.category, w.category);
        }
        ctx.timeRef = _timeRefOf(r.category);
        if (ctx.timeRef == 0)
            return abi.encodeWithSelector(MatchCategoryUnknown.selector, r.category);
        if (r.trust > w.trust)
            return abi.encodeWithSelector(MatchTrustTooHigh.selector, r.trust, w.trust);
        if (a.price > r.appMaxPrice) return _priceTooHigh(OrderKind.App, a.price, r.appMaxPrice);
        if (ctx.hasDataset && d.price > r.datasetMaxPrice) {
            return _priceTooHigh(OrderKind.Dataset, d.price, r.datasetMaxPrice);
        }
        if (w.price > r.workerpoolMaxPrice) {
            return _priceTooHigh(OrderKind.Workerpool, w.price, r.workerpoolMaxPrice);
        }
        bytes32 required = a.tag | (ctx.hasDataset ? d.tag : bytes32(0)) | r.tag;
        if (!Tags.isSubset(required, w.tag)) {
            return abi.encodeWithSelector(MatchTagUnsupported.selector, required, w.tag);
        }
        if (Tags.isTee(required) && !Tags.isTee(a.tag)) {
            return abi.encodeWithSelector(MatchTeeAppRequired.selector, a.app);
        }
        return "";
    }

    function _checkRestrictions(
        AppOrder calldata a,
        DatasetOrder calldata d,
        WorkerpoolOrder calldata w,
        RequestOrder calldata r,
        bool hasDataset
    ) private pure returns (bytes memory) {
        address requester = r.requester;
        if (!_allows(r.workerpool, w.workerpool)) {
            return _restricted(Restriction.RequestWorkerpool, r.workerpool, w.workerpool);
        }
        if (!_allows(a.datasetRestrict, d.dataset)) {
            return _restricted(Restriction.AppDataset, a.datasetRestrict, d.dataset);
        }
        if (!_allows(a.workerpoolRestrict, w.workerpool)) {
            return _restricted(Restriction.AppWorkerpool, a.workerpoolRestrict, w.workerpool);
        }
        if (!_allows(a.requesterRestrict, requester)) {
            return _restricted(Restriction.AppRequester, a.requesterRestrict, requester);
        }
        if (hasDataset) {
            if (!_allows(d.appRestrict, a.app)) {
                return _restricted(Restriction.DatasetApp, d.appRestrict, a.app);
            }
            if (!_allows(d.workerpoolRestrict, w.workerpool)) {
                return
                    _restricted(Restriction.DatasetWorkerpool, d.workerpoolRestrict, w.workerpool);
            }
            if (!_allows(d.requesterRestrict, requester)) {
                return _restricted(Restriction.DatasetRequester, d.requesterRestrict, requester);
            }
        }
        if (!_allows(w.appRestrict, a.app)) {
            return _restricted(Restriction.WorkerpoolApp, w.appRestrict, a.app);
        }
        if (!_allows(w.datasetRestrict, d.dataset)) {
            return _restricted(Restriction.WorkerpoolDataset, w.datasetRestrict, d.dataset);
        }
        if (!_allows(w.requesterRestrict, requester)) {
            return _restricted(Restriction.WorkerpoolRequester, w.requesterRestrict, requester);
        }
        return "";
    }

    function _checkOwnersAndSignatures(
        AppOrder calldata a,
        DatasetOrder calldata d,
        WorkerpoolOrder calldata w,
        RequestOrder calldata r,
        MatchContext memory ctx
    ) private view returns (bytes memory failure) {
        (ctx.appOwner, ctx.mrenclave) = _appRegistry.appInfo(a.app);
        if (ctx.appOwner == address(0)) return _unknown(OrderKind.App, a.app);
        if (Tags.isTee(a.tag) && ctx.mrenclave == bytes32(0)) {
            return abi.encodeWithSelector(MatchTeeAppRequired.selector, a.app);
        }
        if (ctx.hasDataset) {
            ctx.datasetOwner = _datasetRegistry.ownerOfAsset(d.dataset);
            if (ctx.datasetOwner == address(0)) return _unknown(OrderKind.Dataset, d.dataset);
        }
        uint8 stakeRatio;
        uint8 rewardRatio;
        (ctx.workerpoolOwner, ctx.scheduler, stakeRatio, rewardRatio) = _workerpoolRegistry
            .workerpoolInfo(w.workerpool);
        if (ctx.workerpoolOwner == address(0)) return _unknown(OrderKind.Workerpool, w.workerpool);
        ctx.workerStakeRatio = stakeRatio;
        ctx.schedulerRewardRatio = rewardRatio;

        failure = _orderSignatureError(OrderKind.App, ctx.appHash, ctx.appOwner, a.signature);
        if (failure.length == 0 && ctx.hasDataset) {
            failure = _orderSignatureError(
                OrderKind.Dataset,
                ctx.datasetHash,
                ctx.datasetOwner,
                d.signature
            );
        }
        if (failure.length == 0) {
            failure = _orderSignatureError(
                OrderKind.Workerpool,
                ctx.workerpoolHash,
                ctx.workerpoolOwner,
                w.signature
            );
        }
        if (failure.length == 0) {
            failure = _orderSignatureError(
                OrderKind.Request,
                ctx.requestHash,
                r.requester,
                r.signature
            );
        }
    }

    function _checkVolume(
        AppOrder calldata a,
        DatasetOrder calldata d,
        WorkerpoolOrder calldata w,
        RequestOrder calldata r,
        MatchContext memory ctx
    ) private view returns (bytes memory failure) {
        uint256 volume = _remaining(ctx.appHash, a.volume);
        volume = _min(volume, _remaining(ctx.workerpoolHash, w.volume));
        volume = _min(volume, _left(_consumedOrClosed(ctx.requestHash), r.volume));
        if (ctx.hasDataset) {
            volume = _min(volume, _remaining(ctx.datasetHash, d.volume));
            uint256 usesLeft;
            (ctx.grantKey, usesLeft, failure) = _grantForMatch(
                d.dataset,
                ctx.datasetOwner,
                a.app,
                r.requester
            );
            if (failure.length != 0) return failure;
            volume = _min(volume, usesLeft);
        }
        if (volume == 0) return abi.encodeWithSelector(MatchVolumeZero.selector);
        ctx.volume = volume;
        return "";
    }

    function _balanceError(
        address sponsor,
        uint256 cost,
        address workerpoolOwner,
        uint256 stake
    ) private view returns (bytes memory) {
        uint256 sponsorStake = _stakeOf(sponsor);
        if (sponsorStake < cost) {
            return
                abi.encodeWithSelector(
                    IEscrow.EscrowInsufficientBalance.selector,
                    sponsor,
                    sponsorStake,
                    cost
                );
        }
        // Mirrors `_match`, which locks the sponsor's cost first: a pool owner that is also the
        // sponsor has only what that lock left. Cannot underflow: sponsorStake >= cost here.
        uint256 poolStake =
            workerpoolOwner == sponsor ? sponsorStake - cost : _stakeOf(workerpoolOwner);
        if (poolStake < stake) {
            return
                abi.encodeWithSelector(
                    IEscrow.EscrowInsufficientBalance.selector,
                    workerpoolOwner,
                    poolStake,
                    stake
                );
        }
        return "";
    }

    function _taskPrice(
        AppOrder calldata a,
        DatasetOrder calldata d,
        WorkerpoolOrder calldata w,
        bool hasDataset
    ) private pure returns (uint256) {
        return a.price + (hasDataset ? d.price : 0) + w.price;
    }

    function _allows(address restriction, address actual) private pure returns (bool) {
        return restriction == address(0) || restriction == actual;
    }

    function _min(uint256 x, uint256 y) private pure returns (uint256) {
        return x < y ? x : y;
    }

    function _expired(
        OrderKind kind,
        bytes32 h,
        uint256 expiry
    ) private pure returns (bytes memory) {
        return abi.encodeWithSelector(OrderExpired.selector, kind, h, expiry);
    }

    function _priceTooHigh(
        OrderKind kind,
        uint256 price,
        uint256 max
    ) private pure returns (bytes memory) {
        return abi.encodeWithSelector(MatchPriceTooHigh.selector, kind, price, max);
    }

    function _restricted(
        Restriction which,
        address allowed,
        address actual
    ) private pure returns (bytes memory) {
        return abi.encodeWithSelector(MatchRestricted.selector, which, allowed, actual);
    }

    function _unknown(OrderKind kind, address asset) private pure returns (bytes memory) {
        return abi.encodeWithSelector(MatchAssetUnknown.selector, kind, asset);
    }

    /// @dev Re-raises an ABI-encoded custom error built by the checks.
    function _revertWith(bytes memory failure) internal pure {
        assembly ("memory-safe") {
            revert(add(failure, 0x20), mload(failure))
        }
    }
}
