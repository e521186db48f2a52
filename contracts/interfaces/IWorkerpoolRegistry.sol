// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAssetRegistry} from "./IAssetRegistry.sol";

/// @notice Registry of worker pools (cloud, fog or edge) and their economic policy.
interface IWorkerpoolRegistry is IAssetRegistry {
    enum ResourceClass {
        Cloud,
        Fog,
        Edge
    }

    struct WorkerpoolParams {
        string description;
        ResourceClass resourceClass;
        string location;
        uint8 workerStakeRatio;
        uint8 schedulerRewardRatio;
        address scheduler;
    }

    /// @dev One storage slot. `scheduler` is the hot key that signs worker authorizations and
    /// finalizes tasks; address(0) means the owner does it. It is cleared on every transfer.
    struct WorkerpoolRecord {
        address scheduler;
        ResourceClass resourceClass;
        uint8 workerStakeRatio;
        uint8 schedulerRewardRatio;
    }

    /// @notice A ratio is a percentage and cannot exceed 100.
    error WorkerpoolRatioInvalid(uint256 ratio);

    event WorkerpoolCreated(
        address indexed workerpool,
        address indexed owner,
        string description,
        ResourceClass resourceClass,
        string location,
        uint8 workerStakeRatio,
        uint8 schedulerRewardRatio
    );
    event WorkerpoolPolicyUpdated(
        address indexed workerpool,
        uint8 workerStakeRatio,
        uint8 schedulerRewardRatio
    );
    event WorkerpoolSchedulerUpdated(address indexed workerpool, address indexed scheduler);

    /// @notice Registers a worker pool owned by the caller.
    function createWorkerpool(WorkerpoolParams calldata params) external returns (address pool);

    /// @notice Address the pool would get if `owner` registered `params`.
    function predictWorkerpool(
        address owner,
        WorkerpoolParams calldata params
    ) external view returns (address);

    /// @notice Changes the stake and reward ratios applied to future deals. Owner only.
    function setWorkerpoolPolicy(
        address pool,
        uint8 workerStakeRatio,
        uint8 schedulerRewardRatio
    ) external;

    /// @notice Delegates scheduling to a hot key (address(0) = the owner). Owner only.
    function setScheduler(address pool, address scheduler) external;

    function workerpoolRecord(address pool) external view returns (WorkerpoolRecord memory);

    /// @notice Owner, effective scheduler and ratios in one call (used by matching).
    function workerpoolInfo(
        address pool
    )
        external
        view
        returns (
            address owner,
            address scheduler,
            uint8 workerStakeRatio,
            uint8 schedulerRewardRatio
        );
}
