// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IConfig} from "../interfaces/IConfig.sol";
import {IMatching} from "../interfaces/IMatching.sol";
import {IAppRegistry} from "../interfaces/IAppRegistry.sol";
import {IDatasetRegistry} from "../interfaces/IDatasetRegistry.sol";
import {IWorkerpoolRegistry} from "../interfaces/IWorkerpoolRegistry.sol";

/// @notice Governance state of the hub and its EIP-712 domain ("Polis", "1") for orders.
abstract contract Config is IConfig, Ownable2Step, EIP712 {
    /// @dev Reveal deadlines (now + 2 * timeRef) are stored in 64 bits; capping the time reference
    /// at 2^32 - 1 seconds (136 years) keeps every deadline far from that limit.
    uint256 internal constant MAX_TIME_REF = type(uint32).max;

    IAppRegistry internal immutable _appRegistry;
    IDatasetRegistry internal immutable _datasetRegistry;
    IWorkerpoolRegistry internal immutable _workerpoolRegistry;

    /// @dev Category id => time reference in seconds (never zero for an existing category).
    mapping(uint256 id => uint256 timeRef) private _categoryTimeRefs;
    uint256 private _categoryCount;

    constructor(
        address governance,
        IAppRegistry apps,
        IDatasetRegistry datasets,
        IWorkerpoolRegistry pools
    ) Ownable(governance) EIP712("Polis", "1") {
        _appRegistry = apps;
        _datasetRegistry = datasets;
        _workerpoolRegistry = pools;
    }

    /// @inheritdoc IConfig
    function createCategory(
        string calldata name,
        string calldata description,
        uint256 timeRef
    ) external onlyOwner returns (uint256 id) {
        if (timeRef == 0 || timeRef > MAX_TIME_REF) revert CategoryTimeRefInvalid(timeRef);
        id = _categoryCount++;
        _categoryTimeRefs[id] = timeRef;
        emit CategoryCreated(id, name, description, timeRef);
    }

    /// @inheritdoc IConfig
    function categoryCount() external view returns (uint256) {
        return _categoryCount;
    }

    /// @inheritdoc IConfig
    function categoryTimeRef(uint256 id) external view returns (uint256) {
        uint256 timeRef = _categoryTimeRefs[id];
        if (timeRef == 0) revert IMatching.MatchCategoryUnknown(id);
        return timeRef;
    }

    /// @inheritdoc IConfig
    function appRegistry() external view returns (address) {
        return address(_appRegistry);
    }

    /// @inheritdoc IConfig
    function datasetRegistry() external view returns (address) {
        return address(_datasetRegistry);
    }

    /// @inheritdoc IConfig
    function workerpoolRegistry() external view returns (address) {
        return address(_workerpoolRegistry);
    }

    /// @dev Time reference of `id`, or zero when the category does not exist.
    function _timeRefOf(uint256 id) internal view returns (uint256) {
        return _categoryTimeRefs[id];
    }
}
