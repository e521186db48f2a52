// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {
    AppOrder,
    DatasetOrder,
    WorkerpoolOrder,
    RequestOrder,
    OrderKind
} from "../libraries/OrderTypes.sol";
import {Deal} from "../libraries/DealTypes.sol";

/// @notice Matching four compatible orders into a deal: a bag of `volume` tasks.
interface IMatching {
    /// @notice The 10 cross-restrictions (who an order allows on the other side).
    enum Restriction {
        RequestWorkerpool,
        AppDataset,
        AppWorkerpool,
        AppRequester,
        DatasetApp,
        DatasetWorkerpool,
        DatasetRequester,
        WorkerpoolApp,
        WorkerpoolDataset,
        WorkerpoolRequester
    }

    /// @notice What `estimateMatch` tells a client before it sends the transaction.
    /// @param volume Tasks the deal would cover.
    /// @param taskPrice Price of one task (app + dataset + workerpool asks).
    /// @param cost What the sponsor would lock: taskPrice * volume.
    /// @param workerpoolStake What the pool owner would lock.
    /// @param failure The ABI-encoded custom error matchOrders would revert with (empty when it
    /// would succeed).
    struct MatchEstimate {
        uint256 volume;
        uint256 taskPrice;
        uint256 cost;
        uint256 workerpoolStake;
        bytes failure;
    }

    error MatchCategoryMismatch(uint256 requestCategory, uint256 workerpoolCategory);
    error MatchCategoryUnknown(uint256 category);
    error MatchTrustTooHigh(uint256 requested, uint256 offered);
    /// @notice The ask of an order exceeds the requester's max price for it.
    error MatchPriceTooHigh(OrderKind kind, uint256 price, uint256 maxPrice);
    /// @notice The workerpool tag lacks some bit the app, dataset or request requires.
    error MatchTagUnsupported(bytes32 required, bytes32 offered);
    /// @notice A TEE deal needs an app whose order is tagged TEE and which has a measurement.
    error MatchTeeAppRequired(address app);
    error MatchAppMismatch(address requested, address offered);
    error MatchDatasetMismatch(address requested, address offered);
    error MatchRestricted(Restriction restriction, address allowed, address actual);
    /// @notice The asset of an order is not in its registry.
    error MatchAssetUnknown(OrderKind kind, address asset);
    /// @notice No volume is left on at least one order (or on the dataset grant).
    error MatchVolumeZero();
    /// @notice Only the task manager records task outcomes in deal records.
    error DealUnauthorized(address caller);
    /// @notice The deal's first task is already final, or no deal has this first task.
    error DealFirstTaskNotOpen(bytes32 firstTaskId);

    /// @notice Orders were matched into a deal. Carries the four order hashes (zero dataset hash
    /// for dataset-less deals), the full deal (the hub stores only its hash) and the request's
    /// params.
    event DealCreated(
        bytes32 indexed dealId,
        address indexed requester,
        address indexed workerpool,
        bytes32[4] orderHashes,
        Deal deal,
        string params
    );

    /// @notice Matches orders; the requester pays.
    function matchOrders(
        AppOrder calldata appOrder,
        DatasetOrder calldata datasetOrder,
        WorkerpoolOrder calldata workerpoolOrder,
        RequestOrder calldata requestOrder
    ) external returns (bytes32 dealId);

    /// @notice Matches orders; the caller pays instead of the requester.
    function sponsorMatchOrders(
        AppOrder calldata appOrder,
        DatasetOrder calldata datasetOrder,
        WorkerpoolOrder calldata workerpoolOrder,
        RequestOrder calldata requestOrder
    ) external returns (bytes32 dealId);

    /// @notice Dry run of a match paid by `sponsor`: volume, cost and the first rule that fails.
    function estimateMatch(
        AppOrder calldata appOrder,
        DatasetOrder calldata datasetOrder,
        WorkerpoolOrder calldata workerpoolOrder,
        RequestOrder calldata requestOrder,
        address sponsor
    ) external view returns (MatchEstimate memory);

    /// @notice The digest of a deal (keccak256(abi.encode(deal)) with the lowest bit cleared), or
    /// zero if unknown. `botFirst` is the deal's first task index: its record is stored under
    /// that task's id.
    function dealHash(bytes32 dealId, uint256 botFirst) external view returns (bytes32);

    /// @notice The raw record stored under a deal's first task id: its digest, with bit 0 set once
    /// that task is final on the fast path (see DealHashing). Zero if no deal starts there.
    function dealRecord(bytes32 firstTaskId) external view returns (bytes32);

    /// @notice Sets the first-task-final bit of a deal record. Only the task manager.
    function markFirstTaskFinal(bytes32 firstTaskId) external;
}
